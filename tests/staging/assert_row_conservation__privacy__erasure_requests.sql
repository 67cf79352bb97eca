-- Every raw privacy.erasure_requests row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('privacy', 'erasure_requests'), ref('stg_privacy__erasure_requests'), ref('stg_privacy__erasure_requests_rejected')) }}
