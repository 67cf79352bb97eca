-- Web event rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_web__events') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        event_id,
        cookie_id,
        user_id,
        email,
        event_type,
        page_path,
        product_category,
        session_id,
        device_type,
        user_agent,
        utm_source,
        utm_medium,
        utm_campaign,
        event_at,
        received_at
    from base
    where rejection_reason is not null
)

select * from final
