-- Third-party rows quarantined with the reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_third_party__demographics') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        provider_record_id,
        email,
        email_sha256,
        phone,
        first_name,
        last_name,
        street_address,
        city,
        postcode,
        state,
        country,
        age,
        age_band,
        income_band,
        household_size,
        interests,
        delivered_at
    from base
    where rejection_reason is not null
)

select * from final
