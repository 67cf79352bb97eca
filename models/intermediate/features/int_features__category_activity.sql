-- Interest per product category: product views in the last
-- `web_activity_window_days` and orders of the category, as of the as-of
-- date. Only (profile, category) pairs with a view or an order appear.
-- Grain: one row per (profile_id, product_category).
with

category_views as (
    select * from {{ ref('int_events__web_category_views') }}
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

-- the window's days: the as-of date and the days before it, of people
-- (cookies that are not people, bot cookies, have no profile)
views as (
    select
        profile_map.profile_id,
        category_views.product_category,
        cast(sum(category_views.product_views) as {{ dbt.type_bigint() }}) as product_views,
        max(category_views.last_viewed_at) as last_viewed_at
    from category_views
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and category_views.cookie_id = profile_map.record_key
    where
        category_views.view_day <= as_of.as_of_date
        and category_views.view_day > cast({{ dbt.dateadd('day', -var('web_activity_window_days'), 'as_of.as_of_date') }} as date)
    group by profile_map.profile_id, category_views.product_category
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
