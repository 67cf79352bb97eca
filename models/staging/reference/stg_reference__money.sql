-- The money settings of this build, for summaries: the reporting currency
-- (var reporting_currency) and where the exchange rates come from. Grain: one row.
with

rates as (
    select * from {{ ref('stg_reference__currency_rates') }}
),

final as (
    select
        '{{ var("reporting_currency") }}' as reporting_currency,
        count(distinct case when rate_source = 'supplied' then currency_code end) as supplied_rate_currencies,
        min(case when rate_source = 'supplied' then rate_date end) as first_supplied_rate_date,
        max(case when rate_source = 'supplied' then rate_date end) as last_supplied_rate_date,
        count(distinct case when rate_source = 'fixed' then currency_code end) as fixed_rate_currencies,
        count(case when currency_code = '{{ var("reporting_currency") }}' then 1 end) > 0
            as has_reporting_currency_rate
    from rates
)

select * from final
