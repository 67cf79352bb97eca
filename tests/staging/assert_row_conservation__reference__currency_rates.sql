-- Every raw reference.currency_rates row is used, quarantined with a reason, or an exact duplicate.
-- (stg_reference__currency_rates also holds the seed's rates: the used rows are counted in the base.)
{{ assert_row_conservation(
    source('reference', 'currency_rates'),
    '(select * from ' ~ ref('base_reference__currency_rates') ~ ' where rejection_reasons is null) as used_rates',
    ref('stg_reference__currency_rates_rejected')
) }}
