{#-
    CRM orders, normalized and validated once: one row per distinct raw row
    (exact duplicates collapsed and counted), with every rule it breaks in
    `rejection_reasons` (the first also in `rejection_reason`), both null
    when the order is staged. Amounts are also converted to the reporting
    currency at the rates of the order's day (stg_reference__currency_rates:
    the user's dated rates, else the seed's fixed ones); an order without a
    currency is read in the reporting currency and flagged
    `currency_defaulted`, so the assumption is counted, not silent (say
    otherwise with raw_mappings defaults). Quantities are whole numbers: a
    fractional one is quarantined rather than rounded.
-#}
{%- set raw_columns = [
    'order_id', 'customer_id', 'ordered_at', 'amount', 'currency', 'quantity',
    'status', 'channel', 'product_category',
] -%}

{#- The source is read by name where it is read (it is read several times,
    and DuckDB holds a CTE read more than once whole in memory). -#}
{%- set raw = source('crm', 'orders') -%}

with

rates as (
    select * from {{ ref('stg_reference__currency_rates') }}
),

rates_daily as (
    select * from {{ ref('stg_reference__currency_rates_daily') }}
),

known_currencies as (
    select distinct currency_code from rates
),

distinct_rows as (
    {{ collapse_exact_duplicates(raw, raw_columns) }}
),

-- Categorical columns are normalized once per distinct value, not per order.
statuses as (
    {{ label_lookup('distinct_rows', 'status', 'order_status') }}
),

channels as (
    {{ label_lookup('distinct_rows', 'channel', 'channel') }}
),

product_categories as (
    {{ label_lookup('distinct_rows', 'product_category', 'product_category') }}
),

parsed as (
    select
        distinct_rows.*,
        {{ clean_text('distinct_rows.order_id') }} as order_id_clean,
        {{ clean_text('distinct_rows.customer_id') }} as customer_id_clean,
        {{ parse_utc_timestamp('distinct_rows.ordered_at') }} as ordered_at_utc,
        {{ try_cast_as('trim(distinct_rows.amount)', type_double()) }} as amount_number,
        coalesce(upper(nullif(trim(distinct_rows.currency), '')), '{{ var("reporting_currency") }}')
            as currency_code,
        nullif(trim(distinct_rows.currency), '') is null as is_currency_defaulted,
        known_currencies.currency_code is not null as is_known_currency,
        {{ try_cast_as('trim(distinct_rows.quantity)', type_double()) }} as quantity_value,
        case
            when statuses.normalized_label is null then '{{ var("default_order_status") }}'
            else statuses.label
        end as status_label,
        channels.label as channel_label,
        channels.normalized_label is not null as has_channel,
        coalesce(product_categories.label, replace(product_categories.normalized_label, ' ', '_'))
            as product_category_label,
        product_categories.label is null and product_categories.normalized_label is not null
            as is_product_category_unmapped
    from distinct_rows
    left join known_currencies
        on known_currencies.currency_code
            = coalesce(upper(nullif(trim(distinct_rows.currency), '')), '{{ var("reporting_currency") }}')
    left join statuses
        on distinct_rows.status = statuses.raw_value
    left join channels
        on distinct_rows.channel = channels.raw_value
    left join product_categories
        on distinct_rows.product_category = product_categories.raw_value
),

-- The day whose rates convert the order; days outside the rates' span
-- (vars time_spine_start, time_spine_end) use its first or last day.
rate_days as (
    select
        *,
        case
            when cast(ordered_at_utc as date) < cast('{{ var("time_spine_start") }}' as date)
                then cast('{{ var("time_spine_start") }}' as date)
            when cast(ordered_at_utc as date) >= cast('{{ var("time_spine_end") }}' as date)
                then cast({{ dbt.dateadd('day', -1, "cast('" ~ var('time_spine_end') ~ "' as date)") }} as date)
            else cast(ordered_at_utc as date)
        end as rate_day
    from parsed
),

amounts as (
    select
        rate_days.*,
        order_rate.units_per_usd,
        rate_days.amount_number / order_rate.units_per_usd * reporting_rate.units_per_usd
            as amount_reporting_number,
        -- a cast to an integer type rounds ('2.5' would be 3 items): only whole
        -- numbers a double holds exactly are quantities
        case
            when rate_days.quantity_value = floor(rate_days.quantity_value) and abs(rate_days.quantity_value) < 1e15
                then cast(rate_days.quantity_value as {{ dbt.type_bigint() }})
        end as quantity_number
    from rate_days
    left join rates_daily as order_rate
        on rate_days.currency_code = order_rate.currency_code
            and rate_days.rate_day = order_rate.rate_day
    left join rates_daily as reporting_rate
        on reporting_rate.currency_code = '{{ var("reporting_currency") }}'
            and rate_days.rate_day = reporting_rate.rate_day
),

versioned as (
    -- One order_id delivered with different contents: the earliest order
    -- time is kept, ties broken by the row fingerprint.
    select
        *,
        -- NaN, infinities and absurd magnitudes cannot be money: the amount must
        -- fit a decimal(18, 2), and in the reporting currency (when its rate is
        -- known) stay under var max_plausible_order_amount, which keeps every
        -- sum and average of amounts downstream inside its fixed-point type
        coalesce(
            {{ is_finite('amount_number') }}
            and abs(amount_number) < 1e15
            and coalesce(abs(amount_reporting_number) < {{ max_plausible_order_amount() }}, true),
            false
        ) as is_amount_representable,
        row_number() over (
            partition by order_id_clean
            order by ordered_at_utc nulls last, raw_row_id
        ) as version_rank
    from amounts
),

validated as (
    -- Every rule is checked on its own, so a rejected row names all it
    -- breaks; a rule that only means something when another holds (a
    -- negative amount needs a readable one) checks that one too.
    select
        *,
        nullif(concat_ws(
            ',',
            case when order_id_clean is null then 'missing_order_id' end,
            case when customer_id_clean is null then 'missing_customer_id' end,
            case when ordered_at_utc is null then 'unparseable_ordered_at' end,
            case when {{ is_implausible_timestamp('ordered_at_utc') }} then 'implausible_ordered_at' end,
            case when {{ is_future_dated('ordered_at_utc') }} then 'future_ordered_at' end,
            case when {{ clean_text('amount') }} is null then 'missing_amount' end,
            case when {{ clean_text('amount') }} is not null and amount_number is null then 'unparseable_amount' end,
            case when amount_number is not null and not is_amount_representable then 'invalid_amount' end,
            case when is_amount_representable and amount_number < 0 then 'negative_amount' end,
            case when not is_known_currency then 'unknown_currency' end,
            case
                when {{ clean_text('quantity') }} is not null and coalesce(quantity_number <= 0, true)
                    then 'invalid_quantity'
            end,
            case when status_label is null then 'unmapped_status' end,
            case when order_id_clean is not null and version_rank > 1 then 'duplicate_order_id' end
        ), '') as rejection_reasons,
        nullif(concat_ws(
            ',',
            case when has_channel and channel_label is null then 'channel_unmapped' end,
            case when is_product_category_unmapped then 'product_category_unmapped' end,
            case when is_currency_defaulted then 'currency_defaulted' end
        ), '') as dq_flags
    from versioned
),

final as (
    select
        -- keys
        raw_row_id,
        order_id_clean as normalized_order_id,
        customer_id_clean as normalized_customer_id,
        -- order
        ordered_at_utc as normalized_ordered_at,
        status_label as normalized_status,
        case when has_channel then coalesce(channel_label, 'other') end as normalized_channel,
        product_category_label as normalized_product_category,
        quantity_number as normalized_quantity,
        -- money
        currency_code as normalized_currency,
        case when is_amount_representable then cast(amount_number as decimal(18, 2)) end as normalized_amount,
        case
            when is_amount_representable
                then cast(amount_reporting_number as decimal(18, 2))
        end as normalized_amount_reporting,
        -- quality
        dq_flags,
        {{ first_rejection_reason('rejection_reasons') }} as rejection_reason,
        rejection_reasons,
        raw_copies,
        -- the raw row as delivered, for the quarantine
        {{ raw_columns | join(',\n        ') }}
    from validated
)

select * from final
