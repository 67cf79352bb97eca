-- CRM order rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_crm__orders') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        order_id,
        customer_id,
        ordered_at,
        amount,
        currency,
        quantity,
        status,
        channel,
        product_category
    from base
    where rejection_reason is not null
)

select * from final
