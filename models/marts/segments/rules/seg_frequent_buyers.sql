-- Frequent buyers: more than orders_30d_above purchases in the last 30 days
-- and more than pages_per_session_above pages per session over the web
-- window (thresholds: its YAML entry, docs/segments.md). When this build has
-- no web events (int_sources__presence: no staged row of web.events), pages
-- per session cannot be known for anyone, and frequent buyers are judged on
-- orders alone. With web events, a buyer without a recent session is not in
-- (no pages to judge).
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
        features.orders_30d > {{ segment_threshold('frequent_buyers', 'orders_30d_above') }}
        and (
            features.pages_per_session_recent > {{ segment_threshold('frequent_buyers', 'pages_per_session_above') }}
            or not web.has_web_events
        )
)

{{ segment_contract('final', values={'orders_30d': 'integer', 'pages_per_session_recent': 'float'}) }}
