-- Customer features as of the as-of date: one row per profile that existed
-- by then (first seen before the cutoff). Recency, frequency and monetary
-- value; orders and revenue in rolling windows; the gaps between orders;
-- returns and cancellations; sessions, pages per session and abandoned carts;
-- email engagement; a decay-weighted engagement score; preferred channel and
-- device; age and third-party demographics. Only activity before the cutoff is
-- read (see int_features__as_of). Counts are 0 and rates null where there is
-- nothing to count, so a shop with only CRM orders gets every order feature
-- and empty web and email features.
-- The order, session and cart aggregates are macros/features/offset_aggregates.sql
-- at offset 0: int_ml__propensity_snapshots evaluates the same definitions at
-- earlier offsets. Orders are counted as var order_frequency_unit says (rows,
-- or order days: see int_features__orders.counts_as_order); revenue sums every
-- completed row, so the average order value is revenue per counted order.
-- Grain: one row per profile_id.
{%- set windows = var('feature_order_windows_days') %}
{%- set web_window = var('web_activity_window_days') %}
{%- set weights = var('engagement_weights') %}
{#- first seen in any source, or first active if earlier (a record's own date
    can be missing or wrong) #}
{%- set first_seen = 'least(profile_attributes.first_seen_at, order_summary.first_placed_at, '
    ~ 'session_summary.first_visit_at)' %}
with

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
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

email as (
    select * from {{ ref('int_features__email_engagement') }}
),

demographic_deliveries as (
    select * from {{ ref('stg_third_party__demographic_deliveries') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

profile_attributes as (
    select
        profile_id,
        first_seen_at,
        date_of_birth,
        gender,
        country_code
    from profiles
),

-- Orders -------------------------------------------------------------------

order_summary as (
    select
        profile_id,
        {{ order_aggregates(0) }},
        min(ordered_at) as first_placed_at,
        min(case when is_completed then ordered_at end) as first_order_at,
        max(case when is_completed then ordered_at end) as last_order_at,
        -- order rows, whatever var order_frequency_unit says: the return and
        -- cancellation rates compare rows of one status with rows of others
        count(*) as orders_placed,
        count(case when is_completed then 1 end) as orders_completed_rows,
        count(case when status = 'returned' then 1 end) as orders_returned,
        count(case when status = 'cancelled' then 1 end) as orders_cancelled,
        sum(case when status <> 'cancelled' then {{ decay_weight('age_exact_days') }} else 0 end) as decayed_orders
    from orders
    group by profile_id
),

-- seconds between consecutive completed orders (with var order_frequency_unit
-- order_days, between the first orders of consecutive order days)
order_gaps as (
    select
        profile_id,
        {{ dbt.datediff(
            'lag(ordered_at) over (partition by profile_id order by ordered_at)',
            'ordered_at', 'second') }} as gap_seconds
    from orders
    where counts_as_order
),

-- Mean and sample standard deviation of the gaps, in days, from exact
-- integer sums (the same in every build, unlike floating-point aggregates).
gap_sums as (
    select
        profile_id,
        count(*) as gaps,
        sum(cast(gap_seconds as decimal(38, 0))) as sum_seconds,
        sum(cast(gap_seconds as decimal(38, 0)) * gap_seconds) as sum_squared_seconds
    from order_gaps
    where gap_seconds is not null
    group by profile_id
),

gap_summary as (
    select
        profile_id,
        cast(sum_seconds as {{ type_double() }}) / gaps / 86400 as mean_days_between_orders,
        case
            when gaps > 1
                then sqrt(cast(gaps * sum_squared_seconds - sum_seconds * sum_seconds as {{ type_double() }}) / (gaps * (gaps - 1))) / 86400
        end as stddev_days_between_orders
    from gap_sums
),

channel_counts as (
    select
        profile_id,
        channel,
        count(*) as channel_orders
    from orders
    where counts_as_order and channel is not null
    group by profile_id, channel
),

-- most orders; ties go to the alphabetically first channel
preferred_channels as (
    select
        profile_id,
        min_by(channel, {{ named_struct([('orders', '-channel_orders'), ('channel', 'channel')]) }}) as preferred_channel
    from channel_counts
    group by profile_id
),

-- Web ----------------------------------------------------------------------

session_summary as (
    select
        profile_id,
        {{ session_aggregates(0, [web_window]) }},
        min(started_at) as first_visit_at,
        max(started_at) as last_visit_at,
        sum(case when age_days < {{ web_window }} then pages else 0 end) as pages_recent,
        sum({{ decay_weight('age_exact_days') }}) as decayed_sessions
    from sessions
    group by profile_id
),

device_counts as (
    select
        profile_id,
        device_type,
        count(*) as device_sessions
    from sessions
    where device_type is not null
    group by profile_id, device_type
),

preferred_devices as (
    select
        profile_id,
        min_by(device_type, {{ named_struct([('sessions', '-device_sessions'), ('device', 'device_type')]) }}) as preferred_device
    from device_counts
    group by profile_id
),

cart_summary as (
    select
        profile_id,
        {{ cart_aggregates(0, [web_window]) }},
        count(case when age_days < {{ web_window }} and is_abandoned then 1 end) as abandoned_carts_recent,
        max(case when is_abandoned then added_at end) as last_abandoned_cart_at
    from carts
    group by profile_id
),

-- Third-party demographics: the latest delivery before the cutoff (a record
-- delivered again later has a newer version the as-of date cannot know) -----

delivered_demographics as (
    select
        profile_map.profile_id,
        demographic_deliveries.age_band,
        demographic_deliveries.income_band,
        demographic_deliveries.household_size,
        demographic_deliveries.interests,
        row_number() over (
            partition by profile_map.profile_id
            order by demographic_deliveries.delivered_at desc, profile_map.record_key asc, demographic_deliveries.raw_row_id asc
        ) as delivery_rank
    from demographic_deliveries
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'third_party_demographics'
            and demographic_deliveries.provider_record_id = profile_map.record_key
    where demographic_deliveries.delivered_at < as_of.as_of_cutoff
),

latest_demographics as (
    select * from delivered_demographics
    where delivery_rank = 1
),

joined as (
    select
        profile_attributes.profile_id,
        as_of.as_of_date,
        -- tenure
        {{ first_seen }} as first_seen_at,
        {{ age_days(first_seen) }} as tenure_days,
        -- recency, frequency, monetary (completed orders)
        order_summary.first_order_at,
        order_summary.last_order_at,
        order_summary.days_since_last_order,
        coalesce(order_summary.orders_lifetime, 0) as orders_lifetime,
        coalesce(order_summary.revenue_lifetime, 0) as revenue_lifetime,
        case
            when order_summary.orders_lifetime > 0
                then order_summary.revenue_lifetime / order_summary.orders_lifetime
        end as average_order_value,
        {%- for days in windows %}
        coalesce(order_summary.orders_{{ days }}d, 0) as orders_{{ days }}d,
        coalesce(order_summary.revenue_{{ days }}d, 0) as revenue_{{ days }}d,
        {%- endfor %}
        gap_summary.mean_days_between_orders,
        gap_summary.stddev_days_between_orders,
        -- returns and cancellations, over every order placed
        coalesce(order_summary.orders_placed, 0) as orders_placed,
        case
            when order_summary.orders_completed_rows + order_summary.orders_returned > 0
                then cast(order_summary.orders_returned as {{ type_double() }})
                    / (order_summary.orders_completed_rows + order_summary.orders_returned)
        end as return_rate,
        case
            when order_summary.orders_placed > 0
                then cast(order_summary.orders_cancelled as {{ type_double() }}) / order_summary.orders_placed
        end as cancellation_rate,
        preferred_channels.preferred_channel,
        -- web (sessions, pages and carts over the last web_activity_window_days)
        session_summary.last_visit_at,
        session_summary.days_since_last_visit,
        coalesce(session_summary.sessions_lifetime, 0) as sessions_lifetime,
        coalesce(session_summary.sessions_{{ web_window }}d, 0) as sessions_recent,
        case
            when session_summary.sessions_{{ web_window }}d > 0
                then cast(session_summary.pages_recent as {{ type_double() }}) / session_summary.sessions_{{ web_window }}d
        end as pages_per_session_recent,
        preferred_devices.preferred_device,
        coalesce(cart_summary.carts_{{ web_window }}d, 0) as carts_recent,
        coalesce(cart_summary.abandoned_carts_recent, 0) as abandoned_carts_recent,
        cart_summary.last_abandoned_cart_at,
        -- email (campaigns of the last email_window_days)
        coalesce(email.emails_sent, 0) as emails_sent,
        coalesce(email.emails_delivered, 0) as emails_delivered,
        email.email_open_rate,
        email.email_click_rate,
        email.last_opened_at,
        coalesce(email.has_unsubscribed, false) as has_unsubscribed,
        -- decay-weighted engagement: each activity's weight halves every
        -- engagement_half_life_days (exact decimals of a fixed size: an engine
        -- that widens a sum of sums past 38 digits would round it)
        {{ weights.session }} * cast(coalesce(session_summary.decayed_sessions, 0) as decimal(28, 9))
        + {{ weights.order }} * cast(coalesce(order_summary.decayed_orders, 0) as decimal(28, 9))
        + {{ weights.email_open }} * cast(coalesce(email.decayed_opens, 0) as decimal(28, 9))
        + {{ weights.email_click }} * cast(coalesce(email.decayed_clicks, 0) as decimal(28, 9)) as engagement_score,
        -- demographics
        {{ dbt.datediff('profile_attributes.date_of_birth', 'as_of.as_of_date', 'year') }}
        - case
            when extract(month from as_of.as_of_date) * 100 + extract(day from as_of.as_of_date)
                < extract(month from profile_attributes.date_of_birth) * 100
                + extract(day from profile_attributes.date_of_birth)
                then 1
            else 0
        end as age_years,
        profile_attributes.gender,
        profile_attributes.country_code,
        latest_demographics.age_band,
        latest_demographics.income_band,
        latest_demographics.household_size,
        latest_demographics.interests
    from profile_attributes
    cross join as_of
    left join order_summary
        on profile_attributes.profile_id = order_summary.profile_id
    left join gap_summary
        on profile_attributes.profile_id = gap_summary.profile_id
    left join preferred_channels
        on profile_attributes.profile_id = preferred_channels.profile_id
    left join session_summary
        on profile_attributes.profile_id = session_summary.profile_id
    left join preferred_devices
        on profile_attributes.profile_id = preferred_devices.profile_id
    left join cart_summary
        on profile_attributes.profile_id = cart_summary.profile_id
    left join email
        on profile_attributes.profile_id = email.profile_id
    left join latest_demographics
        on profile_attributes.profile_id = latest_demographics.profile_id
),

-- The profiles that existed by the as-of date: first seen before the cutoff,
-- or never dated at all (a record whose dates failed to parse is not known
-- to be later).
final as (
    select joined.*
    from joined
    cross join as_of
    where joined.first_seen_at < as_of.as_of_cutoff or joined.first_seen_at is null
)

select * from final
