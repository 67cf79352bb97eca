-- The web events cart abandonment is judged on: every add to cart and every
-- web purchase, per cookie, whatever the as-of date (a few percent of all
-- events). Bot events are left out. `cookie_id` is the visitor key of
-- `web_events_of_days_to_rebuild`: `user:<user_id>` for a login's events
-- without a cookie.
--
-- Incremental, a day at a time, like int_events__web_sessions.
-- Grain: one row per event_id.
{{ config(**day_partitioned_incremental('event_day')) }}

with

-- every staged event of the days this run builds
web_events as (
    {{ web_events_of_days_to_rebuild() }}
),

final as (
    select
        web_events.event_id,
        web_events.visitor_id as cookie_id,
        web_events.event_type,
        web_events.product_category,
        web_events.event_at,
        web_events.receipt_day as last_receipt_day,
        -- the unit of incremental builds (last: a Spark partition column)
        cast(web_events.event_at as date) as event_day
    from web_events
    where
        web_events.event_type in ('add_to_cart', 'purchase')
        and web_events.visitor_id is not null
        and not web_events.is_bot
)

select * from final
