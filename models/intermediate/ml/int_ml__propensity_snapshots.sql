-- The features and labels that propensity models learn from, at several
-- snapshot dates before the as-of date. Snapshot `o` is the as-of date minus
-- `o` days; its features read only what happened up to that date, and its
-- labels read the horizon after it:
--   purchased_within_horizon  any completed order in the `propensity_horizon_days`
--                             after the snapshot (null while that horizon
--                             reaches past the as-of date)
--   churned_within_horizon    for customers with a completed order in the
--                             `churn_active_days` before the snapshot: no
--                             completed order in the `churn_horizon_days`
--                             after it (null for the others, and while the
--                             horizon reaches past the as-of date)
-- The snapshots are 0 (scored) and, for each of the two horizons, one to
-- `propensity_training_snapshots` + 1 horizons back: the final model learns
-- from the `propensity_training_snapshots` latest of them, pooled, and the
-- backtest from the same number one horizon further back, measured on the
-- snapshot one horizon back. Nothing after the as-of date
-- is read. Ages are whole days, so snapshot `o` sees an activity iff its age
-- at the as-of date is at least `o`.
-- Grain: one row per (snapshot_offset_days, profile_id), for the profiles
-- that existed at the snapshot.
{%- set horizon = var('propensity_horizon_days') | int %}
{%- set churn_horizon = var('churn_horizon_days') | int %}
{%- set active_days = var('churn_active_days') | int %}
{%- set pooled = var('propensity_training_snapshots') | int %}
{%- set offsets = [0] %}
{%- for h in [horizon, churn_horizon] %}
{%- for k in range(1, pooled + 2) %}
{%- do offsets.append(k * h) %}
{%- endfor %}
{%- endfor %}
{%- set offsets = offsets | unique | sort %}
{%- set windows = [30, 90, 365] %}
with

features as (
    select * from {{ ref('int_customer__features') }}
),

orders as (
    select * from {{ ref('int_features__orders') }}
),

sessions as (
    select * from {{ ref('int_features__web_sessions') }}
),

carts as (
    select * from {{ ref('int_features__carts') }}
),

email_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- email opens before the cutoff, with their profile and age
email_opens as (
    select
        profile_map.profile_id,
        {{ age_days('email_events.occurred_at') }} as age_days
    from email_events
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'esp_recipients'
            and email_events.recipient_email = profile_map.record_key
    where
        email_events.event_type = 'open'
        and email_events.occurred_at < as_of.as_of_cutoff
),

-- one pass over the orders for every snapshot
order_snapshots as (
    select
        profile_id as order_profile_id,
        {%- for o in offsets %}
        sum(case when age_days >= {{ o }} then 1 else 0 end) as orders_lifetime_{{ o }},
        sum(case when age_days >= {{ o }} then amount_reporting else 0 end) as revenue_lifetime_{{ o }},
        {%- for days in windows %}
        sum(case when age_days >= {{ o }} and age_days < {{ o + days }} then 1 else 0 end) as orders_{{ days }}d_{{ o }},
        {%- endfor %}
        sum(case when age_days >= {{ o }} and age_days < {{ o + 365 }} then amount_reporting else 0 end) as revenue_365d_{{ o }},
        min(case when age_days >= {{ o }} then age_days - {{ o }} end) as days_since_last_order_{{ o }},
        max(case when age_days >= {{ o }} then age_days - {{ o }} end) as days_since_first_order_{{ o }},
        sum(case when age_days >= {{ o }} and age_days < {{ o + active_days }} then 1 else 0 end) as orders_active_window_{{ o }},
        sum(case when age_days < {{ o }} and age_days >= {{ o - horizon }} then 1 else 0 end) as orders_next_horizon_{{ o }},
        sum(case when age_days < {{ o }} and age_days >= {{ o - churn_horizon }} then 1 else 0 end) as orders_next_churn_horizon_{{ o }},
        {%- endfor %}
        count(*) as completed_orders
    from orders
    where is_completed
    group by profile_id
),

session_snapshots as (
    select
        profile_id as session_profile_id,
        {%- for o in offsets %}
        sum(case when age_days >= {{ o }} then 1 else 0 end) as sessions_lifetime_{{ o }},
        {%- for days in [30, 90] %}
        sum(case when age_days >= {{ o }} and age_days < {{ o + days }} then 1 else 0 end) as sessions_{{ days }}d_{{ o }},
        {%- endfor %}
        min(case when age_days >= {{ o }} then age_days - {{ o }} end) as days_since_last_visit_{{ o }},
        {%- endfor %}
        count(*) as sessions
    from sessions
    group by profile_id
),

cart_snapshots as (
    select
        profile_id as cart_profile_id,
        {%- for o in offsets %}
        sum(case when age_days >= {{ o }} and age_days < {{ o + 30 }} then 1 else 0 end) as carts_30d_{{ o }},
        {%- endfor %}
        count(*) as carts
    from carts
    group by profile_id
),

email_snapshots as (
    select
        profile_id as email_profile_id,
        {%- for o in offsets %}
        sum(case when age_days >= {{ o }} and age_days < {{ o + 90 }} then 1 else 0 end) as email_opens_90d_{{ o }},
        min(case when age_days >= {{ o }} then age_days - {{ o }} end) as days_since_last_open_{{ o }},
        {%- endfor %}
        count(*) as email_opens
    from email_opens
    group by profile_id
),

-- every profile with its aggregates for all snapshots, joined once
joined as (
    select
        features.profile_id,
        features.tenure_days,
        order_snapshots.*,
        session_snapshots.*,
        cart_snapshots.*,
        email_snapshots.*
    from features
    left join order_snapshots on features.profile_id = order_snapshots.order_profile_id
    left join session_snapshots on features.profile_id = session_snapshots.session_profile_id
    left join cart_snapshots on features.profile_id = cart_snapshots.cart_profile_id
    left join email_snapshots on features.profile_id = email_snapshots.email_profile_id
),

final as (
    {%- for o in offsets %}
    select
        {{ o }} as snapshot_offset_days,
        cast({{ dbt.dateadd('day', -o, 'as_of.as_of_date') }} as date) as snapshot_date,
        joined.profile_id,
        joined.tenure_days - {{ o }} as tenure_days,
        cast(coalesce(joined.orders_lifetime_{{ o }}, 0) as {{ dbt.type_bigint() }}) as orders_lifetime,
        cast(coalesce(joined.revenue_lifetime_{{ o }}, 0) as {{ type_double() }}) as revenue_lifetime,
        {%- for days in windows %}
        cast(coalesce(joined.orders_{{ days }}d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as orders_{{ days }}d,
        {%- endfor %}
        cast(coalesce(joined.revenue_365d_{{ o }}, 0) as {{ type_double() }}) as revenue_365d,
        -- never: the whole tenure
        coalesce(joined.days_since_last_order_{{ o }}, joined.tenure_days - {{ o }}) as days_since_last_order,
        coalesce(joined.days_since_first_order_{{ o }}, 0) as days_since_first_order,
        -- the customer's pace: orders a year since the first one (at least 30 days)
        cast(coalesce(joined.orders_lifetime_{{ o }}, 0) as {{ type_double() }}) * 365
        / greatest(coalesce(joined.days_since_first_order_{{ o }}, 0), 30) as orders_per_year,
        -- silence measured in the customer's own gaps between orders
        cast(
            coalesce(joined.days_since_last_order_{{ o }}, joined.tenure_days - {{ o }})
            * coalesce(joined.orders_lifetime_{{ o }}, 0)
            / greatest(coalesce(joined.days_since_first_order_{{ o }}, 0), 30) as {{ type_double() }}
        ) as gaps_since_last_order,
        cast(coalesce(joined.sessions_lifetime_{{ o }}, 0) as {{ type_double() }}) * 365
        / greatest(joined.tenure_days - {{ o }}, 30) as sessions_per_year,
        cast(coalesce(joined.sessions_lifetime_{{ o }}, 0) as {{ dbt.type_bigint() }}) as sessions_lifetime,
        cast(coalesce(joined.sessions_30d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as sessions_30d,
        cast(coalesce(joined.sessions_90d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as sessions_90d,
        coalesce(joined.days_since_last_visit_{{ o }}, joined.tenure_days - {{ o }}) as days_since_last_visit,
        cast(coalesce(joined.carts_30d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as carts_30d,
        cast(coalesce(joined.email_opens_90d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as email_opens_90d,
        coalesce(joined.days_since_last_open_{{ o }}, joined.tenure_days - {{ o }}) as days_since_last_open,
        {%- if o >= horizon %}
        coalesce(joined.orders_next_horizon_{{ o }}, 0) > 0 as purchased_within_horizon,
        {%- else %}
        cast(null as {{ dbt.type_boolean() }}) as purchased_within_horizon,
        {%- endif %}
        {%- if o >= churn_horizon %}
        case
            when coalesce(joined.orders_active_window_{{ o }}, 0) > 0
                then coalesce(joined.orders_next_churn_horizon_{{ o }}, 0) = 0
        end as churned_within_horizon,
        {%- else %}
        cast(null as {{ dbt.type_boolean() }}) as churned_within_horizon,
        {%- endif %}
        coalesce(joined.orders_active_window_{{ o }}, 0) > 0 as is_active_customer
    from joined
    cross join as_of
    -- profiles first seen after the snapshot did not exist yet
    where joined.tenure_days >= {{ o }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
