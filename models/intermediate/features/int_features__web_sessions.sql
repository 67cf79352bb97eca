-- Web and app sessions of people before the as-of cutoff, each with the
-- profile of its cookie: the days before the cutoff of
-- int_events__web_sessions (sessions end at midnight UTC, so none straddles
-- the cutoff). Cookies that are not people (bot cookies) have no profile.
-- Grain: one row per session_key.
-- A view, not a table: its readers (the customer features and the propensity snapshots) each read a few of its
-- columns, and joining them again costs less than writing millions of wide
-- rows once.
{{ config(materialized='view') }}
with

sessions as (
    select * from {{ ref('int_events__web_sessions') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

final as (
    select
        sessions.session_key,
        profile_map.profile_id,
        sessions.cookie_id,
        sessions.started_at,
        sessions.ended_at,
        sessions.events,
        sessions.pages,
        sessions.add_to_carts,
        sessions.purchases,
        sessions.device_type,
        {{ age_days('sessions.started_at') }} as age_days,
        {{ age_exact_days('sessions.started_at') }} as age_exact_days
    from sessions
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and sessions.cookie_id = profile_map.record_key
    where sessions.session_day <= as_of.as_of_date
)

select * from final
