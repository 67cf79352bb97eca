-- Product views per cookie, UTC day and product category, whatever the
-- as-of date: category interest sums the days of its window. Bot events are
-- left out, and so are views without a category. `cookie_id` is the visitor
-- key of `web_events_of_days_to_rebuild`: `user:<user_id>` for a login's
-- events without a cookie.
--
-- Incremental, a day at a time, like int_events__web_sessions.
-- Grain: one row per (cookie_id, view_day, product_category).
{{ config(**day_partitioned_incremental('view_day')) }}

with

-- every staged event of the days this run builds
web_events as (
    {{ web_events_of_days_to_rebuild() }}
),

final as (
    select
        web_events.visitor_id as cookie_id,
        web_events.product_category,
        count(*) as product_views,
        max(web_events.event_at) as last_viewed_at,
        max(web_events.receipt_day) as last_receipt_day,
        -- the unit of incremental builds (last: a Spark partition column)
        cast(web_events.event_at as date) as view_day
    from web_events
    where
        web_events.event_type = 'product_view'
        and web_events.product_category is not null
        and web_events.visitor_id is not null
        and not web_events.is_bot
    group by
        web_events.visitor_id,
        web_events.product_category,
        cast(web_events.event_at as date)
)

select * from final
