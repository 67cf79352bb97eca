-- Every raw crm.orders row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('crm', 'orders'), ref('stg_crm__orders'), ref('stg_crm__orders_rejected')) }}
