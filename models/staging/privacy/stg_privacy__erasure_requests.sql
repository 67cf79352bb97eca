-- Erasure requests to honour: one row per request, the subject identifier
-- normalized like the identity layer's. Downstream models remove every
-- profile that carries this identifier.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
-- Fails when a request is quarantined for a subject that is not a placeholder
-- (macros/staging/privacy_rows.sql): a request nobody can act on is not ignored.
{{ config(post_hook=[
    "{{ check_quarantine_share('privacy.erasure_requests', ref('base_privacy__erasure_requests')) }}",
    "{{ check_privacy_rows_understood('privacy.erasure_requests', ref('base_privacy__erasure_requests')) }}",
]) }}

with

base as (
    select * from {{ ref('base_privacy__erasure_requests') }}
),

final as (
    select
        -- keys
        normalized_request_id as request_id,
        raw_row_id,
        -- subject
        normalized_subject_type as subject_type,
        normalized_subject_value as subject_value,
        normalized_subject_national_number as subject_national_number,
        normalized_subject_country as subject_country,
        -- time
        normalized_requested_at as requested_at,
        -- quality
        dq_flags
    from base
    where rejection_reason is null
)

select * from final
