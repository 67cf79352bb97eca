-- No model after identity resolution holds a profile under an erasure
-- request: not the unified profile, features, ML outputs, segments, history,
-- marts, or (by customer key) the activation exports. Returns each leak.
with

erased as (
    select * from {{ ref('int_privacy__erased_profiles') }}
),

salt as (
    select * from {{ ref('int_privacy__pseudonymisation_salt') }}
),

-- an erased profile is found by its profile id or by its customer key
erased_keys as (
    select
        profile_id,
        profile_id as holder_key
    from erased
    union all
    select
        erased.profile_id,
        {{ pseudonymous_key('salt.salt', 'erased.profile_id') }} as holder_key
    from erased
    cross join salt
),

holders as (
    {%- set by_profile = [
        'int_privacy__profile_map', 'int_customer__unified_profiles', 'int_privacy__consent_flags',
        'int_privacy__hashed_identifiers', 'int_customer__features', 'int_ml__propensity_snapshots',
        'ml_clusters', 'ml_propensity_scores', 'ml_lookalikes', 'fct_propensity_scores',
        'fct_lookalike_scores', 'fct_segment_membership', 'fct_segment_membership_history',
        'dim_customers', 'activation_experiment_assignments',
    ] %}
    {%- for model in by_profile %}
    select distinct
        '{{ model }}' as model_name,
        profile_id as holder_key
    from {{ ref(model) }}
    union all
    {%- endfor %}
    select
        'export_ads_custom_audience' as model_name,
        extern_id as holder_key
    from {{ ref('export_ads_custom_audience') }}
    union all
    select
        'export_email_audience' as model_name,
        external_id as holder_key
    from {{ ref('export_email_audience') }}
)

select
    holders.model_name,
    erased_keys.profile_id
from holders
inner join erased_keys
    on holders.holder_key = erased_keys.holder_key
