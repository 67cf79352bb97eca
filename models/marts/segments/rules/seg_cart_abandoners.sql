-- Cart abandoners: added to cart in the web window and did not buy within
-- cart_abandonment_window_hours, at least abandoned_carts_at_least times.
-- Needs web events (the carts). A web purchase event or a CRM order counts
-- as buying; without CRM orders the web purchase events alone decide
-- (registry: requires web.events, uses_if_present crm.orders).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        abandoned_carts_recent,
        last_abandoned_cart_at
    from features
    where abandoned_carts_recent >= {{ segment_threshold('cart_abandoners', 'abandoned_carts_at_least') }}
)

{{ segment_contract('final', values={'abandoned_carts_recent': 'integer', 'last_abandoned_cart_at': 'timestamp'}) }}
