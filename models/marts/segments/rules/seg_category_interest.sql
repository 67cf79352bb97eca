-- Category interest: viewed products of a category more than 3 times in the
-- last 30 days and has not ordered from it in the last year; one row per
-- person and category (the segment variant).
-- Needs web events (the views). Without CRM orders nobody is known to have
-- bought the category, so the views alone decide (registry: requires
-- web.events, uses_if_present crm.orders).
with

category_activity as (
    select * from {{ ref('int_features__category_activity') }}
),

final as (
    select
        profile_id,
        product_category as segment_variant,
        recent_product_views,
        days_since_last_order
    from category_activity
    where
        recent_product_views > {{ var('category_interest_min_views') }}
        and (
            days_since_last_order is null
            or days_since_last_order >= {{ var('category_interest_purchase_lookback_days') }}
        )
)

select * from final
