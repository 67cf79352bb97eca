-- Every raw esp.email_events row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('esp', 'email_events'), ref('stg_esp__email_events'), ref('stg_esp__email_events_rejected')) }}
