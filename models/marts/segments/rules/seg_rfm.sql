-- RFM grid: every buyer scored 1 to 5 on recency (days since the last
-- order; 5 = most recent) and frequency (completed orders; 5 = most), by
-- quintile among all buyers, and placed in the named cell of the grid in
-- seeds/rfm_segment_map.csv (Champions, Loyal, At Risk, Hibernating, ...). The
-- cell is the segment variant; the monetary score is carried for reference.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

grid as (
    select * from {{ ref('rfm_segment_map') }}
),

-- A score is the quintile of the buyer's cumulative share: the buyers at or
-- below its value (a window ordered by the value counts ties together) out
-- of all buyers, in fifths, rounded up. Ties share a score, so a value held
-- by many buyers (one order) can skip a score. floor((5k - 1) / n) + 1 is
-- ceil(5k / n) without floating-point trouble at the boundaries.
positioned as (
    select
        profile_id,
        days_since_last_order,
        orders_lifetime,
        revenue_lifetime,
        count(*) over (order by days_since_last_order desc) as recency_position,
        count(*) over (order by orders_lifetime asc) as frequency_position,
        count(*) over (order by revenue_lifetime asc) as monetary_position,
        count(*) over () as buyers
    from features
    where orders_lifetime > 0
),

scored as (
    select
        profile_id,
        days_since_last_order,
        orders_lifetime,
        revenue_lifetime,
        cast(floor(cast(5 * recency_position - 1 as {{ type_double() }}) / buyers) as integer) + 1 as recency_score,
        cast(floor(cast(5 * frequency_position - 1 as {{ type_double() }}) / buyers) as integer) + 1 as frequency_score,
        cast(floor(cast(5 * monetary_position - 1 as {{ type_double() }}) / buyers) as integer) + 1 as monetary_score
    from positioned
),

final as (
    select
        scored.profile_id,
        grid.rfm_segment as segment_variant,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        scored.days_since_last_order,
        scored.orders_lifetime,
        scored.revenue_lifetime
    from scored
    left join grid
        on
            scored.recency_score = grid.recency_score
            and scored.frequency_score = grid.frequency_score
)

select * from final
