-- CRM orders that passed validation: one row per order_id, timestamps in
-- UTC, statuses, channels and categories mapped to the project's labels,
-- amounts in their own and in the reporting currency.
-- Fails (and so skips everything built on it) when too much of the source
-- table was quarantined, warns above the warn share (macros/staging/quarantine.sql).
{{ config(post_hook="{{ check_quarantine_share('crm.orders', ref('base_crm__orders')) }}") }}

with

base as (
    select * from {{ ref('base_crm__orders') }}
),

final as (
    select
        -- keys
        normalized_order_id as order_id,
        normalized_customer_id as customer_id,
        raw_row_id,
        -- order
        normalized_ordered_at as ordered_at,
        normalized_status as status,
        normalized_channel as channel,
        normalized_product_category as product_category,
        normalized_quantity as quantity,
        -- money
        normalized_currency as currency,
        normalized_amount as amount,
        normalized_amount_reporting as amount_reporting,
        -- quality
        dq_flags
    from base
    where rejection_reason is null
)

select * from final
