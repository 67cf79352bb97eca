-- Every add to cart before the as-of cutoff, and whether it was abandoned:
-- no purchase by the same profile (a web purchase event or a CRM order,
-- whatever its channel) within `cart_abandonment_window_hours` after it.
-- A cart whose window has not closed by the cutoff is not judged yet
-- (`is_abandoned` null): the as-of date cannot know its outcome.
-- Grain: one row per add-to-cart event (event_id).
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
-- are not people, bot cookies, have no profile)
web_activity as (
    select
        cart_moments.event_id,
        profile_map.profile_id,
        cart_moments.event_type,
        cart_moments.product_category,
        cart_moments.event_at
    from cart_moments
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and cart_moments.cookie_id = profile_map.record_key
    where cart_moments.event_at < as_of.as_of_cutoff
),

moments as (
    select
        event_id,
        profile_id,
        product_category,
        event_at,
        event_type = 'add_to_cart' as is_cart,
        event_type = 'purchase' as is_purchase
    from web_activity
    union all
    select
        order_id as event_id,
        profile_id,
        product_category,
        ordered_at as event_at,
        false as is_cart,
        true as is_purchase
    from orders
),

-- the first purchase at or after each moment (a purchase in the same second
-- as the add to cart counts as following it)
next_purchases as (
    select
        event_id,
        profile_id,
        product_category,
        event_at,
        is_cart,
        min(case when is_purchase then event_at end) over (
            partition by profile_id
            order by event_at
            range between current row and unbounded following
        ) as next_purchase_at
    from moments
),

final as (
    select
        next_purchases.event_id,
        next_purchases.profile_id,
        next_purchases.product_category,
        next_purchases.event_at as added_at,
        next_purchases.next_purchase_at,
        {%- set window_closes_at = dbt.dateadd('hour', var('cart_abandonment_window_hours'), 'next_purchases.event_at') %}
        case
            when next_purchases.next_purchase_at <= {{ window_closes_at }} then false
            when {{ window_closes_at }} < as_of.as_of_cutoff then true
        end as is_abandoned,
        {{ age_days('next_purchases.event_at') }} as age_days
    from next_purchases
    cross join as_of
    where next_purchases.is_cart
)

select * from final
