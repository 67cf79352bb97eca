-- Interest per product category: product views in the last
-- `web_activity_window_days` and orders of the category, as of the as-of
-- date. Only (profile, category) pairs with a view or an order appear.
-- Grain: one row per (profile_id, product_category).
with

web_events as (
    select * from {{ ref('int_features__web_events') }}
),

orders as (
    select * from {{ ref('int_features__orders') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

views as (
    select
        web_events.profile_id,
        web_events.product_category,
        count(*) as product_views,
        max(web_events.event_at) as last_viewed_at
    from web_events
    cross join as_of
    where
        web_events.event_type = 'product_view'
        and web_events.product_category is not null
        and web_events.event_at >= {{ dbt.dateadd('day', -var('web_activity_window_days'), 'as_of.as_of_cutoff') }}
    group by web_events.profile_id, web_events.product_category
),

purchases as (
    select
        profile_id,
        product_category,
        count(*) as orders,
        max(ordered_at) as last_ordered_at,
        min(age_days) as days_since_last_order
    from orders
    where
        product_category is not null
        and status in ('completed', 'returned')
    group by profile_id, product_category
),

final as (
    select
        coalesce(views.profile_id, purchases.profile_id) as profile_id,
        coalesce(views.product_category, purchases.product_category) as product_category,
        coalesce(views.product_views, 0) as recent_product_views,
        views.last_viewed_at,
        coalesce(purchases.orders, 0) as orders_lifetime,
        purchases.last_ordered_at,
        purchases.days_since_last_order
    from views
    full outer join purchases
        on
            views.profile_id = purchases.profile_id
            and views.product_category = purchases.product_category
)

select * from final
