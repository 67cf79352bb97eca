-- Which members of each activated segment are targeted (treatment) and which
-- are held out to measure the effect (holdout). Audiences are the segments
-- of var `activation_audiences`; a profile's arm comes from the SHA-256 of
-- the experiment name (var `activation_experiment`) and the profile id, so it
-- is the same on every run and every engine, a new experiment name draws new
-- arms, and a profile held out of one audience is held out of every audience
-- (no campaign reaches the holdout through another segment). With var
-- `activation_stratify_by` (primary_segment or cluster) every stratum of an
-- audience holds out exactly its share (rounded), the members ordered by the
-- same hash; without it each profile is held out with probability
-- `activation_holdout_share`, and keeps its arm however the audiences change.
-- Consent is not looked at here: the exports apply it per purpose, so a
-- holdout is the same people in every channel.
-- Grain: one row per (audience, profile_id).
{%- set audiences = var('activation_audiences') %}
{%- set stratify_by = var('activation_stratify_by') %}
{%- set holdout_share = var('activation_holdout_share') | float %}
{%- set buckets = 10000 %}
{%- if stratify_by not in (none, 'primary_segment', 'cluster') %}
    {{ exceptions.raise_compiler_error("var activation_stratify_by must be null, 'primary_segment' or 'cluster', not '" ~ stratify_by ~ "'") }}
{%- endif %}
{%- if audiences | length == 0 %}
    {{ exceptions.raise_compiler_error("var activation_audiences lists no segment: name at least one registry segment to activate") }}
{%- endif %}
{%- if not (0 <= holdout_share < 1) %}
    {{ exceptions.raise_compiler_error("var activation_holdout_share must be at least 0 and below 1, not " ~ holdout_share) }}
{%- endif %}
with

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

members as (
    select distinct
        membership.as_of_date,
        membership.segment_id as audience,
        membership.profile_id
    from membership
    where membership.segment_id in ('{{ audiences | join("', '") }}')
),

hashed as (
    select
        members.as_of_date,
        members.audience,
        members.profile_id,
        customers.customer_key,
        {%- if stratify_by == 'primary_segment' %}
        coalesce(customers.primary_segment_id, 'none') as stratum,
        {%- elif stratify_by == 'cluster' %}
        coalesce(cast(customers.cluster_number as {{ dbt.type_string() }}), 'none') as stratum,
        {%- else %}
        'all' as stratum,
        {%- endif %}
        {{ hash_bucket(dbt.concat(["'" ~ var('activation_experiment') ~ "|'", 'members.profile_id']), buckets) }} as bucket
    from members
    inner join customers
        on members.profile_id = customers.profile_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by audience, stratum
            order by bucket, profile_id
        ) as stratum_rank,
        count(*) over (partition by audience, stratum) as stratum_size
    from hashed
),

final as (
    select
        as_of_date,
        audience,
        '{{ var("activation_experiment") }}' as experiment,
        profile_id,
        customer_key,
        stratum,
        cast(bucket as {{ dbt.type_bigint() }}) as bucket,
        case
            {%- if stratify_by is none %}
            when bucket < {{ (holdout_share * buckets) | round | int }} then 'holdout'
            {%- else %}
            when stratum_rank <= round(stratum_size * {{ holdout_share }}) then 'holdout'
            {%- endif %}
            else 'treatment'
        end as experiment_arm
    from ranked
)

select * from final
