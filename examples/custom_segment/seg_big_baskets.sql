-- Big baskets: repeat buyers whose orders average a large amount (reporting
-- currency). Thresholds: the YAML entry beside this file (config.meta.segment).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        orders_lifetime,
        average_order_value
    from features
    where
        orders_lifetime >= {{ segment_threshold('big_baskets', 'orders_at_least') }}
        and average_order_value >= {{ segment_threshold('big_baskets', 'average_order_value_at_least') }}
)

{{ segment_contract('final', values={'orders_lifetime': 'integer', 'average_order_value': 'float'}) }}
