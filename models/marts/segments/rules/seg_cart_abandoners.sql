-- Cart abandoners: added to cart in the last 30 days and did not buy within
-- 24 hours, at least once.
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
    where abandoned_carts_recent >= {{ var('cart_abandoners_min_abandoned_carts') }}
)

select * from final
