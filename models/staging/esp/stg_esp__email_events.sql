-- Email engagement events that passed validation: one row per event_id,
-- recipient emails normalized, event types mapped (send, open, click,
-- bounce, unsubscribe), timestamps in UTC.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('esp.email_events', ref('base_esp__email_events')) }}") }}

with

base as (
    select * from {{ ref('base_esp__email_events') }}
),

final as (
    select
        -- keys
        normalized_event_id as event_id,
        normalized_recipient_email as recipient_email,
        normalized_campaign_id as campaign_id,
        raw_row_id,
        -- event
        normalized_event_type as event_type,
        normalized_occurred_at as occurred_at
    from base
    where rejection_reason is null
)

select * from final
