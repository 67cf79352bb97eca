-- The exchange rates orders are converted with, as validity ranges: the
-- rates the user supplied (reference.currency_rates) where there are any for
-- a currency, else the indicative fixed rate of seeds/currencies.csv. A rate
-- holds from its day until the next rate of the currency; the first rate
-- also covers every earlier day, so no order falls outside. Grain: one row
-- per currency and valid_from. Fails (and so skips the orders) when too much
-- of the supplied rates was quarantined (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('reference.currency_rates', ref('base_reference__currency_rates')) }}") }}

with

supplied as (
    select * from {{ ref('base_reference__currency_rates') }}
    where rejection_reasons is null
),

currencies as (
    select * from {{ ref('currencies') }}
),

fixed as (
    select
        upper(trim(currency_code)) as currency_code,
        cast(units_per_usd as {{ type_double() }}) as units_per_usd
    from currencies
),

supplied_rates as (
    select
        normalized_currency_code as currency_code,
        normalized_rate_date as rate_date,
        normalized_units_per_usd as units_per_usd,
        'supplied' as rate_source
    from supplied
),

fixed_rates as (
    select
        fixed.currency_code,
        cast(null as date) as rate_date,
        fixed.units_per_usd,
        'fixed' as rate_source
    from fixed
    where fixed.currency_code not in (select currency_code from supplied_rates)
),

rates as (
    select * from supplied_rates
    union all
    select * from fixed_rates
),

final as (
    select
        currency_code,
        -- the first rate of a currency covers every earlier day
        case
            when row_number() over (partition by currency_code order by rate_date) = 1
                then cast('0001-01-01' as date)
            else rate_date
        end as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency_code order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to,
        rate_date,
        units_per_usd,
        rate_source
    from rates
)

select * from final
