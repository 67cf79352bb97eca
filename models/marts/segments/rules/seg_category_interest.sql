-- Category interest: viewed products of a category more than views_above
-- times in the web window and has not ordered from it in the last
-- days_since_last_order_at_least days; one row per person and category (the
-- segment variant).
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
        recent_product_views > {{ segment_threshold('category_interest', 'views_above') }}
        and (
            days_since_last_order is null
            or days_since_last_order >= {{ segment_threshold('category_interest', 'days_since_last_order_at_least') }}
        )
)

{{ segment_contract('final', variant='segment_variant',
    values={'recent_product_views': 'integer', 'days_since_last_order': 'integer'}) }}
