-- Consent decisions that passed validation: one row per consent event,
-- subject identifiers normalized like the identity layer's, purpose (email,
-- ads, analytics, or all of them) and status (granted, revoked) mapped,
-- timestamps in UTC. Revocations are staged whenever their subject can be
-- identified, flaws flagged in dq_flags (see base_privacy__consent_events):
-- their occurred_at is null when it could not be trusted.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql),
-- and fails when a quarantined row may be a revocation (macros/staging/privacy_rows.sql).
{{ config(post_hook=[
    "{{ check_quarantine_share('privacy.consent_events', ref('base_privacy__consent_events')) }}",
    "{{ check_privacy_rows_understood('privacy.consent_events', ref('base_privacy__consent_events')) }}",
]) }}

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
        normalized_subject_national_number as subject_national_number,
        normalized_subject_country as subject_country,
        -- decision
        normalized_purpose as purpose,
        normalized_status as status,
        normalized_occurred_at as occurred_at,
        -- quality
        dq_flags
    from base
    where rejection_reason is null
)

select * from final
