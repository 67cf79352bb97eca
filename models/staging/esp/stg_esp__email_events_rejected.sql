-- Email engagement rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_esp__email_events') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        event_id,
        recipient_email,
        campaign_id,
        event_type,
        occurred_at
    from base
    where rejection_reason is not null
)

select * from final
