-- One row per customer profile, for BI: the key features, the primary
-- segment, the behavioural cluster, the propensity scores and consent, as of
-- the as-of date. No direct identifiers: `customer_key` is a keyed hash of
-- the profile id (int_privacy__customer_keys), and location stops at the
-- country.
-- Erased profiles are absent (int_privacy__profile_map).
-- Grain: one row per profile_id.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

customer_keys as (
    select * from {{ ref('int_privacy__customer_keys') }}
),

consent as (
    select * from {{ ref('int_privacy__consent_flags') }}
),

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

-- clusters and scores come from dbt Python models: on a target that does not
-- run them, these columns are null
clusters as (
    {%- if python_models_enabled() %}
    select
        profile_id,
        cluster_number
    from {{ ref('ml_clusters') }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as profile_id,
        cast(null as {{ dbt.type_bigint() }}) as cluster_number
    where 1 = 0
    {%- endif %}
),

cluster_labels as (
    {%- if python_models_enabled() %}
    select distinct
        cluster_number,
        cluster_label
    from {{ ref('ml_cluster_profiles') }}
    {%- else %}
    select
        cast(null as {{ dbt.type_bigint() }}) as cluster_number,
        cast(null as {{ dbt.type_string() }}) as cluster_label
    where 1 = 0
    {%- endif %}
),

scores as (
    {{ propensity_scores() }}
),

-- one pass over the membership: the primary segment (exactly one row per
-- member profile has is_primary) and how many segments the profile is in
segment_columns as (
    select
        profile_id,
        max(case when is_primary then segment_id end) as primary_segment_id,
        max(case when is_primary then segment_variant end) as primary_segment_variant,
        count(distinct segment_id) as segment_count
    from membership
    group by profile_id
),

score_columns as (
    select
        profile_id,
        max(case when target = 'purchase' then probability end) as purchase_propensity,
        max(case when target = 'purchase' then decile end) as purchase_decile,
        max(case when target = 'churn' then probability end) as churn_propensity,
        max(case when target = 'churn' then decile end) as churn_decile
    from scores
    group by profile_id
),

final as (
    select
        customer_keys.customer_key,
        features.profile_id,
        features.as_of_date,
        features.first_seen_at,
        cast(features.tenure_days as {{ dbt.type_bigint() }}) as tenure_days,
        features.country_code,
        features.gender,
        features.age_band,
        features.income_band,
        cast(features.orders_lifetime as {{ dbt.type_bigint() }}) as orders_lifetime,
        cast(features.revenue_lifetime as decimal(38, 2)) as revenue_lifetime,
        cast(features.orders_365d as {{ dbt.type_bigint() }}) as orders_365d,
        cast(features.revenue_365d as decimal(38, 2)) as revenue_365d,
        cast(features.average_order_value as {{ type_double() }}) as average_order_value,
        cast(features.days_since_last_order as {{ dbt.type_bigint() }}) as days_since_last_order,
        cast(features.days_since_last_visit as {{ dbt.type_bigint() }}) as days_since_last_visit,
        cast(features.sessions_recent as {{ dbt.type_bigint() }}) as sessions_recent,
        cast(features.email_open_rate as {{ type_double() }}) as email_open_rate,
        cast(features.engagement_score as {{ type_double() }}) as engagement_score,
        features.preferred_channel,
        features.preferred_device,
        segment_columns.primary_segment_id,
        segment_columns.primary_segment_variant,
        cast(coalesce(segment_columns.segment_count, 0) as {{ dbt.type_bigint() }}) as segment_count,
        cast(clusters.cluster_number as {{ dbt.type_bigint() }}) as cluster_number,
        cluster_labels.cluster_label,
        cast(score_columns.purchase_propensity as {{ type_double() }}) as purchase_propensity,
        cast(score_columns.purchase_decile as {{ dbt.type_bigint() }}) as purchase_decile,
        cast(score_columns.churn_propensity as {{ type_double() }}) as churn_propensity,
        cast(score_columns.churn_decile as {{ dbt.type_bigint() }}) as churn_decile,
        coalesce(consent.has_email_consent, false) as has_email_consent,
        coalesce(consent.has_ads_consent, false) as has_ads_consent,
        coalesce(consent.has_analytics_consent, false) as has_analytics_consent
    from features
    inner join customer_keys
        on features.profile_id = customer_keys.profile_id
    left join consent
        on features.profile_id = consent.profile_id
    left join segment_columns
        on features.profile_id = segment_columns.profile_id
    left join clusters
        on features.profile_id = clusters.profile_id
    left join cluster_labels
        on clusters.cluster_number = cluster_labels.cluster_number
    left join score_columns
        on features.profile_id = score_columns.profile_id
)

select * from final
