-- CRM orders placed before the as-of cutoff, each with the profile of its
-- customer and its age in days at the as-of date. Order status is the status
-- the CRM holds now (raw orders carry no status history).
-- `counts_as_order` marks the rows every order count counts (frequencies,
-- windows, gaps between orders, average order value, the propensity
-- snapshots): with var order_frequency_unit `order_rows` every completed row;
-- with `order_days` the first completed row of each profile and day, because
-- exports often split one checkout into a row per shipment or store. Revenue
-- sums every completed row either way.
-- Grain: one row per order_id.
-- A view, not a table: its readers (the customer features, carts, category activity and the propensity
-- snapshots) each read a few of its
-- columns, and joining them again costs less than writing millions of wide
-- rows once.
{{ config(materialized='view') }}
with

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

final as (
    select
        orders.order_id,
        profile_map.profile_id,
        orders.customer_id,
        orders.ordered_at,
        orders.status,
        orders.status = 'completed' as is_completed,
        {%- if var('order_frequency_unit') == 'order_days' %}
        orders.status = 'completed'
        and row_number() over (
            partition by profile_map.profile_id, cast(orders.ordered_at as date), orders.status
            order by orders.ordered_at asc, orders.order_id asc
        ) = 1 as counts_as_order,
        {%- else %}
        orders.status = 'completed' as counts_as_order,
        {%- endif %}
        orders.channel,
        orders.product_category,
        orders.amount_reporting,
        -- 0 = ordered on the as-of date
        {{ age_days('orders.ordered_at') }} as age_days,
        -- fractional days from the order to the cutoff, for decay weights
        {{ age_exact_days('orders.ordered_at') }} as age_exact_days
    from orders
    cross join as_of
    -- an order of a customer that failed validation has no profile
    inner join profile_map
        on
            profile_map.record_source = 'crm_customers'
            and orders.customer_id = profile_map.record_key
    where orders.ordered_at < as_of.as_of_cutoff
)

select * from final
