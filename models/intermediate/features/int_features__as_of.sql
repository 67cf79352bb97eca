-- The point in time every feature and segment is computed at: the end of
-- `as_of_date`. `as_of_cutoff` is the first instant after it; feature models
-- read only what happened before the cutoff. With var as_of_date unset it is
-- the date of the latest activity in the data (orders, web events, email
-- events); with no activity at all, of the latest CRM or third-party record
-- date. Record dates come second because they are edited by people (an
-- `updated_at` typed years ahead would move every recency).
-- Either way never after the load time (macros/state/load_time.sql): a time
-- after it comes from a wrong clock (a device set to 2099), and one such row
-- would otherwise empty every recency segment. Such times are passed over,
-- whether or not staging has quarantined them yet, and `as_of_source` says
-- when that moved the date.
-- Grain: one row.
{%- set as_of_date = var('as_of_date') %}
{%- if as_of_date is not none and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_date | string) %}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD, not '" ~ as_of_date ~ "'") }}
{%- endif %}
{#- An as-of date after the load date would read the days between as days
    without any activity: every recency feature and segment silently wrong.
    That is an error, not a warning: nothing built on it is usable. (The load
    date as load_time() computes it, as text: var load_time is validated
    there.) #}
{%- set load_date = ((var('load_time', none) or run_started_at.strftime('%Y-%m-%d')) | string)[:10] %}
{%- if as_of_date is not none and (as_of_date | string) > load_date %}
    {{ exceptions.raise_compiler_error(
        "var as_of_date " ~ as_of_date ~ " is after the load time (" ~ load_date ~ ", var load_time or"
        ~ " the build's clock): the data cannot describe that day yet. Set as_of_date to "
        ~ load_date ~ " or earlier.") }}
{%- endif %}
{#- The sources are read whether or not the var is set, so that the model's
    place in the DAG (after staging) does not depend on the var. #}
with

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

web_events as (
    select * from {{ ref('stg_web__events') }}
),

email_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

demographics as (
    select * from {{ ref('stg_third_party__demographics') }}
),

-- Per source, the latest time not after the load time and the latest of all.
latest_activity as (
    select
        max(case when not {{ is_future_dated('ordered_at') }} then ordered_at end) as latest_at,
        max(ordered_at) as latest_at_unchecked
    from orders
    union all
    select
        max(case when not {{ is_future_dated('event_at') }} then event_at end) as latest_at,
        max(event_at) as latest_at_unchecked
    from web_events
    union all
    select
        max(case when not {{ is_future_dated('occurred_at') }} then occurred_at end) as latest_at,
        max(occurred_at) as latest_at_unchecked
    from email_events
),

latest_record as (
    select
        max(case when not {{ is_future_dated('created_at') }} then created_at end) as latest_at,
        max(created_at) as latest_at_unchecked
    from customers
    union all
    select
        max(case when not {{ is_future_dated('updated_at') }} then updated_at end) as latest_at,
        max(updated_at) as latest_at_unchecked
    from customers
    union all
    select
        max(case when not {{ is_future_dated('delivered_at') }} then delivered_at end) as latest_at,
        max(delivered_at) as latest_at_unchecked
    from demographics
),

-- Activity first, record dates when there is no activity at all; the load
-- time when there is no data at all. `unchecked_date` is what the date would
-- be if times after the load time were believed.
latest as (
    select
        cast(
            coalesce(
                (select max(latest_at) from latest_activity),
                (select max(latest_at) from latest_record),
                {{ load_time() }}
            ) as date
        ) as latest_date,
        cast(
            coalesce(
                (select max(latest_at_unchecked) from latest_activity),
                (select max(latest_at_unchecked) from latest_record)
            ) as date
        ) as unchecked_date,
        -- a time within the clock-skew tolerance can still fall on the next day
        cast({{ load_time() }} as date) as load_date
),

chosen as (
    {%- if as_of_date is none %}
    select
        case when latest_date > load_date then load_date else latest_date end as as_of_date,
        case
            when unchecked_date is null then 'load time'
            when unchecked_date > latest_date or latest_date > load_date then 'latest data before load time'
            else 'latest data'
        end as as_of_source
    from latest
    {%- else %}
    select
        cast('{{ as_of_date }}' as date) as as_of_date,
        'var as_of_date' as as_of_source
    {%- endif %}
),

final as (
    select
        as_of_date,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }}) as as_of_cutoff,
        as_of_source
    from chosen
)

select * from final
