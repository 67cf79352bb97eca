-- Web and app events of people before the as-of cutoff, with the profile of
-- their cookie: bot events are dropped, and cookies that are not people (bot
-- cookies) have no profile. Ephemeral: each reader's filters (event types,
-- windows) are pushed into the scan of the events.
-- Grain: one row per event_id.
{{ config(materialized='ephemeral') }}
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

final as (
    select
        web_events.event_id,
        profile_map.profile_id,
        web_events.cookie_id,
        web_events.event_type,
        web_events.product_category,
        web_events.event_at
    from web_events
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and web_events.cookie_id = profile_map.record_key
    where
        web_events.event_at < as_of.as_of_cutoff
        and not web_events.is_bot
)

select * from final
