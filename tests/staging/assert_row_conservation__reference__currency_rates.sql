-- Every raw reference.currency_rates row is used, quarantined with a reason, or an exact duplicate.
-- Counted in the base model: stg_reference__currency_rates also holds the seed's rates, and
-- reading only the base keeps the test runnable wherever the orders' rates are built.
{%- set base = ref('base_reference__currency_rates') %}
{{ assert_row_conservation(
    source('reference', 'currency_rates'),
    '(select * from ' ~ base ~ ' where rejection_reasons is null) as used_rates',
    '(select * from ' ~ base ~ ' where rejection_reasons is not null) as rejected_rates'
) }}
