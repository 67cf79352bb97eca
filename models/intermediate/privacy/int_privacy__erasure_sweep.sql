-- The erasure sweep: the tables built before the erasure decision (the
-- event facts, identity resolution, the unified profile) hold erased people
-- while the build decides who they are; once everything in the build has
-- read them, this model's post-hook (macro sweep_erased_rows) deletes the
-- rows erased people own: by profile id, cookie id and the records of their
-- profiles (macro erasure_owner_columns). The incremental event facts keep
-- the deletion across builds; the tables rebuilt every build are swept
-- again. Staging is not swept: it mirrors the raw sources and is what the
-- next build finds erased people by (docs/privacy.md).
-- The model itself counts the rows each table loses, before the deletion.
-- Grain: one row per swept model.
--
-- Every model that reads a swept table runs before the sweep (dbt then runs
-- the tests on them before it too); check_erasure_sweep_order fails the
-- build naming any reader missing here:
-- depends_on: {{ ref('int_customer__features') }}
-- depends_on: {{ ref('int_features__carts') }}
-- depends_on: {{ ref('int_features__category_activity') }}
-- depends_on: {{ ref('int_features__web_sessions') }}
-- depends_on: {{ ref('int_ml__cluster_input') }}
-- depends_on: {{ ref('int_ml__propensity_snapshots') }}
-- depends_on: {{ ref('int_identity__blocking_report') }}
-- depends_on: {{ ref('int_identity__comparison_patterns') }}
-- depends_on: {{ ref('int_identity__random_pair_levels') }}
-- depends_on: {{ ref('int_identity__training_patterns') }}
-- depends_on: {{ ref('int_privacy__consent_flags') }}
-- depends_on: {{ ref('int_privacy__customer_keys') }}
-- depends_on: {{ ref('int_privacy__erasure_matches') }}
-- depends_on: {{ ref('int_privacy__hashed_identifiers') }}
-- depends_on: {{ ref('int_privacy__profile_consent') }}
{#- In the order they are swept: the identity map last, since the other
    tables' erased records are looked up in it. -#}
{%- set swept = [
    'int_events__web_cookie_identities', 'int_events__web_sessions',
    'int_events__web_cart_moments', 'int_events__web_category_views',
    'int_identity__cookie_activity', 'int_identity__records', 'int_identity__identifiers',
    'int_identity__candidate_pairs', 'int_identity__scored_pairs',
    'int_identity__deterministic_edges', 'int_identity__edges', 'int_identity__components',
    'int_customer__unified_profiles', 'int_privacy__subject_records', 'int_identity__profile_map',
] %}
{#- Views over a swept table whose rows the sweep leaves as they are: the
    identity map without erased profiles already leaves out every row the
    sweep deletes from the map, so its many readers need not wait. -#}
{%- set sweep_invariant = ['int_privacy__profile_map'] %}
{{ config(
    post_hook="{{ sweep_erased_rows(" ~ swept | tojson ~ ") }}",
    meta={'erasure': 'bookkeeping'},
) }}
{{- check_erasure_sweep_order(swept, sweep_invariant) }}
{%- set erased_keys = ref('int_privacy__erased_keys') %}
{%- set profile_map = ref('int_identity__profile_map') %}
with

swept as (
    {%- for name in swept %}
    select
        '{{ name }}' as swept_model,
        '{{ erasure_owner_columns_of(ref(name)) | join(", ") }}' as swept_by,
        count(*) as rows_removed
    from {{ ref(name) }}
    where {{ erased_rows_condition(ref(name), erased_keys, profile_map) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        swept_model,
        swept_by,
        rows_removed
    from swept
)

select * from final
