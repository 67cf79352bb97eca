-- CRM customer rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_crm__customers') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        customer_id,
        first_name,
        last_name,
        email,
        phone,
        date_of_birth,
        gender,
        street_number,
        address_line_1,
        address_line_2,
        city,
        postcode,
        state,
        country,
        loyalty_id,
        created_at,
        updated_at
    from base
    where rejection_reason is not null
)

select * from final
