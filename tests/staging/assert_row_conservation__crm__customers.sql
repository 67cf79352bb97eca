-- Every raw crm.customers row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('crm', 'customers'), ref('stg_crm__customers'), ref('stg_crm__customers_rejected')) }}
