-- Every add to cart before the as-of cutoff, and whether it was abandoned:
-- no purchase by the same profile (a web purchase event or a CRM order,
-- whatever its channel) within `cart_abandonment_window_hours` after it.
-- A cart whose window has not closed by the cutoff and has not converted yet
-- is not judged (`is_abandoned` null): the as-of date cannot know its outcome.
-- Grain: one row per add-to-cart event (event_id).
{#- A purchase inside a cart's window falls on the cart's day or one of the
    next `window_days` days, so carts are matched to purchases on (profile,
    day): an equality join whose pairs stay few however long the history,
    instead of ordering every profile's whole history. #}
{%- set window_hours = var('cart_abandonment_window_hours') | int %}
{%- set window_days = (window_hours + 23) // 24 %}
with

cart_moments as (
    select * from {{ ref('int_events__web_cart_moments') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

orders as (
    select * from {{ ref('int_features__orders') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- adds to cart and web purchases of people before the cutoff (cookies that
-- are not people, bot cookies, have no profile). Each kind is joined to the
-- profile map on its own: cheaper than materializing both kinds together
-- and splitting them again.
carts as (
    select
        cart_moments.event_id,
        profile_map.profile_id,
        cart_moments.product_category,
        cart_moments.event_at as added_at,
        cast(cart_moments.event_at as date) as added_day
    from cart_moments
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and cart_moments.cookie_id = profile_map.record_key
    where
        cart_moments.event_type = 'add_to_cart'
        and cart_moments.event_at < as_of.as_of_cutoff
),

-- web purchase events and CRM orders (already cut off at the as-of date)
purchases as (
    select
        profile_map.profile_id,
        cart_moments.event_at as purchased_at,
        cast(cart_moments.event_at as date) as purchased_day
    from cart_moments
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and cart_moments.cookie_id = profile_map.record_key
    where
        cart_moments.event_type = 'purchase'
        and cart_moments.event_at < as_of.as_of_cutoff
    union all
    select
        profile_id,
        ordered_at as purchased_at,
        cast(ordered_at as date) as purchased_day
    from orders
),

day_offsets as (
    {%- for offset in range(window_days + 1) %}
    select {{ offset }} as day_offset
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- every day a cart's window touches
cart_window_days as (
    select
        carts.event_id,
        carts.profile_id,
        carts.added_at,
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'carts.added_day') }} as date) as window_day
    from carts
    cross join day_offsets
),

-- the first purchase inside each cart's window (a purchase in the same
-- second as the add to cart counts as following it)
conversions as (
    select
        cart_window_days.event_id,
        min(purchases.purchased_at) as converted_at
    from cart_window_days
    inner join purchases
        on
            cart_window_days.profile_id = purchases.profile_id
            and cart_window_days.window_day = purchases.purchased_day
    where
        purchases.purchased_at >= cart_window_days.added_at
        and purchases.purchased_at <= {{ dbt.dateadd('hour', window_hours, 'cart_window_days.added_at') }}
    group by cart_window_days.event_id
),

final as (
    select
        carts.event_id,
        carts.profile_id,
        carts.product_category,
        carts.added_at,
        conversions.converted_at,
        case
            when conversions.converted_at is not null then false
            when {{ dbt.dateadd('hour', window_hours, 'carts.added_at') }} < as_of.as_of_cutoff then true
        end as is_abandoned,
        {{ age_days('carts.added_at') }} as age_days
    from carts
    cross join as_of
    left join conversions
        on carts.event_id = conversions.event_id
)

select * from final
