-- Every raw web.events row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('web', 'events'), ref('stg_web__events'), ref('stg_web__events_rejected')) }}
