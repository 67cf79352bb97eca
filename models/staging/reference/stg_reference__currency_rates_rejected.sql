-- Exchange-rate rows quarantined with every reason, exactly as delivered.
with

base as (
    select * from {{ ref('base_reference__currency_rates') }}
),

final as (
    select
        raw_row_id,
        rejection_reason,
        rejection_reasons,
        raw_copies,
        currency_code,
        rate_date,
        units_per_usd
    from base
    where rejection_reasons is not null
)

select * from final
