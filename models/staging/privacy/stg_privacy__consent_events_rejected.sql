-- Consent rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_privacy__consent_events') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        consent_event_id,
        subject_type,
        subject_value,
        purpose,
        status,
        occurred_at,
        subject_country
    from base
    where rejection_reason is not null
)

select * from final
