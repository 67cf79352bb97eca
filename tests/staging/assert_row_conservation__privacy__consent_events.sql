-- Every raw privacy.consent_events row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('privacy', 'consent_events'), ref('stg_privacy__consent_events'), ref('stg_privacy__consent_events_rejected')) }}
