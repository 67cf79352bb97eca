{#-
    Exchange rates the user supplies, normalized and validated once: one row
    per distinct raw row, with every broken rule in `rejection_reasons`. A
    currency and day delivered twice with different rates is ambiguous: the
    copies are quarantined rather than one picked.
-#}
{%- set raw_columns = ['currency_code', 'rate_date', 'units_per_usd'] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('reference', 'currency_rates') -%}

with

distinct_rows as (
    {{ collapse_exact_duplicates(raw, raw_columns) }}
),

parsed as (
    select
        *,
        upper({{ clean_text('currency_code') }}) as currency_code_clean,
        {{ parse_date('rate_date') }} as rate_date_parsed,
        {{ try_cast_as('trim(units_per_usd)', type_double()) }} as units_per_usd_number
    from distinct_rows
),

counted as (
    select
        *,
        count(*) over (partition by currency_code_clean, rate_date_parsed) as versions_of_day
    from parsed
),

validated as (
    select
        *,
        nullif(concat_ws(
            ',',
            case when currency_code_clean is null then 'missing_currency_code' end,
            case
                when currency_code_clean is not null
                    and not {{ regexp_contains('currency_code_clean', '^[A-Z]{3}$') }}
                    then 'invalid_currency_code'
            end,
            case when rate_date_parsed is null then 'unparseable_rate_date' end,
            case
                when not coalesce({{ is_finite('units_per_usd_number') }} and units_per_usd_number > 0, false)
                    then 'invalid_units_per_usd'
            end,
            case when versions_of_day > 1 then 'conflicting_rates_of_day' end
        ), '') as rejection_reasons
    from counted
),

final as (
    select
        -- keys
        raw_row_id,
        currency_code_clean as normalized_currency_code,
        rate_date_parsed as normalized_rate_date,
        -- rate
        units_per_usd_number as normalized_units_per_usd,
        -- quality
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
