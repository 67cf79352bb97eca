-- Consent decisions that passed validation: one row per consent event,
-- subject identifiers normalized like the identity layer's, purpose (email,
-- ads, analytics) and status (granted, revoked) mapped, timestamps in UTC.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('privacy.consent_events', ref('base_privacy__consent_events')) }}") }}

with

base as (
    select * from {{ ref('base_privacy__consent_events') }}
),

final as (
    select
        -- keys
        normalized_consent_event_id as consent_event_id,
        raw_row_id,
        -- subject
        normalized_subject_type as subject_type,
        normalized_subject_value as subject_value,
        -- decision
        normalized_purpose as purpose,
        normalized_status as status,
        normalized_occurred_at as occurred_at
    from base
    where rejection_reason is null
)

select * from final
