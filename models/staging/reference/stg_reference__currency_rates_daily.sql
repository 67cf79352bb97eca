-- The exchange rate of every currency on every day from var time_spine_start
-- to time_spine_end, so that orders find their day's rate by an equality
-- join on (currency, day) instead of a range join per order. Orders dated
-- outside the span use the rate of its first or last day.
-- Grain: one row per currency and day.
{{ config(
    materialized='table',
    meta={
        'windows_without_partition': 'dbt.date_spine numbers the days of the span in one window; '
            ~ 'the days do not grow with customers',
    },
) }}

with

rates as (
    select * from {{ ref('stg_reference__currency_rates') }}
),

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('time_spine_start') ~ "' as date)",
        "cast('" ~ var('time_spine_end') ~ "' as date)"
    ) }}
),

final as (
    select
        rates.currency_code,
        cast(days.date_day as date) as rate_day,
        rates.units_per_usd,
        rates.rate_source
    from days
    inner join rates
        on cast(days.date_day as date) >= rates.valid_from
            and cast(days.date_day as date) < rates.valid_to
)

select * from final
