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
-- The features are those of int_customer__features, evaluated at each
-- snapshot by the same macros (macros/features/offset_aggregates.sql): the
-- order windows of var feature_order_windows_days, sessions and carts over
-- var web_activity_window_days, email opens over var email_window_days.
-- Offset 0 equals int_customer__features, and offset `o` equals it built
-- with as_of_date `o` days earlier (tests/python/test_features.py).
-- Sessions also count over 90 days: a longer web window only the models
-- read, with no counterpart in int_customer__features to drift from.
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
{%- set order_windows = var('feature_order_windows_days') %}
{%- set web_window = var('web_activity_window_days') | int %}
{%- set session_windows = [web_window, 90] | unique | sort %}
{%- set email_window = var('email_window_days') | int %}
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
        {{ order_aggregates(o, '_' ~ o) }},
        count(case when is_completed and {{ seen_at_offset(o, active_days) }} then 1 end) as orders_active_window_{{ o }},
        count(case when is_completed and age_days < {{ o }} and age_days >= {{ o - horizon }} then 1 end)
            as orders_next_horizon_{{ o }},
        count(case when is_completed and age_days < {{ o }} and age_days >= {{ o - churn_horizon }} then 1 end)
            as orders_next_churn_horizon_{{ o }},
        {%- endfor %}
        count(*) as completed_orders
    from orders
    -- every order aggregate counts completed orders only
    where is_completed
    group by profile_id
),

session_snapshots as (
    select
        profile_id as session_profile_id,
        {%- for o in offsets %}
        {{ session_aggregates(o, session_windows, '_' ~ o) }},
        {%- endfor %}
        count(*) as sessions
    from sessions
    group by profile_id
),

cart_snapshots as (
    select
        profile_id as cart_profile_id,
        {%- for o in offsets %}
        {{ cart_aggregates(o, [web_window], '_' ~ o) }},
        {%- endfor %}
        count(*) as carts
    from carts
    group by profile_id
),

email_snapshots as (
    select
        profile_id as email_profile_id,
        {%- for o in offsets %}
        {{ email_open_aggregates(o, [email_window], '_' ~ o) }},
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
        {%- for days in order_windows %}
        cast(coalesce(joined.orders_{{ days }}d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as orders_{{ days }}d,
        cast(coalesce(joined.revenue_{{ days }}d_{{ o }}, 0) as {{ type_double() }}) as revenue_{{ days }}d,
        {%- endfor %}
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
        {%- for days in session_windows %}
        cast(coalesce(joined.sessions_{{ days }}d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as sessions_{{ days }}d,
        {%- endfor %}
        coalesce(joined.days_since_last_visit_{{ o }}, joined.tenure_days - {{ o }}) as days_since_last_visit,
        cast(coalesce(joined.carts_{{ web_window }}d_{{ o }}, 0) as {{ dbt.type_bigint() }}) as carts_{{ web_window }}d,
        cast(coalesce(joined.email_opens_{{ email_window }}d_{{ o }}, 0) as {{ dbt.type_bigint() }})
            as email_opens_{{ email_window }}d,
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
