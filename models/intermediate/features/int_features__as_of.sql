-- The point in time every feature and segment is computed at: the end of
-- `as_of_date`. `as_of_cutoff` is the first instant after it; feature models
-- read only what happened before the cutoff. With var as_of_date unset it is
-- the date of the latest activity in the data (orders, web events, email
-- events); with no activity at all, of the latest CRM or third-party record
-- date. Record dates come second because they are edited by people (an
-- `updated_at` typed years ahead would move every recency).
-- Grain: one row.
{%- set as_of_date = var('as_of_date') %}
{%- if as_of_date is not none and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_date | string) %}
    {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD, not '" ~ as_of_date ~ "'") }}
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

latest_activity as (
    select max(ordered_at) as latest_at from orders
    union all
    select max(event_at) as latest_at from web_events
    union all
    select max(occurred_at) as latest_at from email_events
),

latest_record as (
    select max(created_at) as latest_at from customers
    union all
    select max(updated_at) as latest_at from customers
    union all
    select max(delivered_at) as latest_at from demographics
),

chosen as (
    {%- if as_of_date is none %}
    select
        -- no data at all: today
        cast(
            coalesce(
                (select max(latest_at) from latest_activity),
                (select max(latest_at) from latest_record),
                {{ dbt.current_timestamp() }}
            ) as date
        ) as as_of_date,
        'latest data' as as_of_source
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
