-- Web and app events that passed validation: one row per event_id (first
-- delivery), timestamps in UTC, event types and categories mapped to the
-- project's labels, bot traffic flagged in `is_bot`.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('web.events', ref('base_web__events')) }}") }}

with

base as (
    select * from {{ ref('base_web__events') }}
),

final as (
    select
        -- keys
        normalized_event_id as event_id,
        normalized_cookie_id as cookie_id,
        normalized_user_id as user_id,
        normalized_session_id as session_id,
        raw_row_id,
        -- identity captured by forms
        normalized_email as email,
        -- event
        normalized_event_type as event_type,
        normalized_page_path as page_path,
        normalized_product_category as product_category,
        -- device and traffic
        normalized_device_type as device_type,
        normalized_user_agent as user_agent,
        normalized_is_bot as is_bot,
        normalized_utm_source as utm_source,
        normalized_utm_medium as utm_medium,
        normalized_utm_campaign as utm_campaign,
        -- time
        normalized_event_at as event_at,
        normalized_received_at as received_at,
        -- quality
        dq_flags,
        -- the day staging placed the row in (incremental staging's unit)
        receipt_day
    from base
    where rejection_reason is null
)

select * from final
