-- Recent visitors: visited the website or app within the last
-- days_since_last_visit_below days (7: the as-of date and the 6 days before
-- it).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        last_visit_at,
        days_since_last_visit
    from features
    where days_since_last_visit < {{ segment_threshold('recent_visitors', 'days_since_last_visit_below') }}
)

{{ segment_contract('final', values={'last_visit_at': 'timestamp', 'days_since_last_visit': 'integer'}) }}
