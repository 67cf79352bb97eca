-- Erasure rows whose subject cannot be identified, exactly as delivered.
with

base as (
    select * from {{ ref('base_privacy__erasure_requests') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        request_id,
        subject_type,
        subject_value,
        requested_at,
        subject_country
    from base
    where rejection_reason is not null
)

select * from final
