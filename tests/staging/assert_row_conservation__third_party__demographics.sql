-- Every raw third_party.demographics row is staged, quarantined with a reason, or an exact duplicate.
{{ assert_row_conservation(source('third_party', 'demographics'), ref('stg_third_party__demographics'), ref('stg_third_party__demographics_rejected')) }}
