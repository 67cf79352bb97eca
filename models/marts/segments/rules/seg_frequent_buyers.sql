-- Frequent buyers: more than 4 purchases in the last 30 days and more than
-- 15 pages per session over the last 30 days. When this build has no web
-- events (int_sources__presence: no staged row of web.events), pages per
-- session cannot be known for anyone, and frequent buyers are judged on
-- orders alone: more than 4 purchases in the last 30 days. With web events,
-- a buyer without a recent session is not in (no pages to judge).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

sources as (
    select * from {{ ref('int_sources__presence') }}
),

web as (
    select count(*) > 0 as has_web_events
    from sources
    where source_table = 'web.events' and is_present
),

final as (
    select
        features.profile_id,
        features.orders_30d,
        features.pages_per_session_recent
    from features
    cross join web
    where
        features.orders_30d > {{ var('frequent_buyers_min_orders_30d') }}
        and (
            features.pages_per_session_recent > {{ var('frequent_buyers_min_pages_per_session') }}
            or not web.has_web_events
        )
)

select * from final
