-- RFM grid: every buyer scored 1 to 5 on recency (days since the last
-- order; 5 = most recent) and frequency (completed orders; 5 = most), by
-- rank among all buyers, and placed in the named cell of the grid in
-- seeds/rfm_segment_map.csv (Champions, Loyal, At Risk, Hibernating, ...). The
-- cell is the segment variant; the monetary score is carried for reference.
--
-- How a score is given (the same for the three measures). Buyers with the
-- same value always share a score, and the lowest value (the oldest last
-- order, the fewest orders) always scores 1.
-- * Five distinct values or fewer: the values are spread over 1 to 5 in
--   order (two values score 1 and 5; three 1, 3, 5; four 1, 2, 4, 5).
-- * More: the quintile of the value's first rank, ties taking the bin where
--   they start (the one-order buyers, however many, start at rank 1 and
--   score 1), except that a value scores at most one more than the value
--   below it. A large tie spans several quintiles; plain quintiles would
--   leave those bins empty (with 60% one-order buyers, 2 orders would jump to
--   4); instead the next values fill them in order (2 orders 2, 3 orders 3,
--   ...). No score is skipped; a score can stay empty only at the top, when
--   too few distinct values lie above a large tie, and a large tie at the
--   top (many buyers on the most recent day) scores the bin it starts in.
-- A buyer whose value is unknown (spend in an unknown currency) has no score
-- for that measure and does not count among the buyers ranked on it.
--
-- Scores are computed on one row per distinct value and joined back to the
-- buyers, and windows run within buckets of values, never over every value
-- of a measure (amounts are nearly one per buyer) in one partition.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

grid as (
    select * from {{ ref('rfm_segment_map') }}
),

buyers as (
    select
        profile_id,
        days_since_last_order,
        orders_lifetime,
        revenue_lifetime
    from features
    where orders_lifetime > 0
),

-- One row per measure and distinct value, oriented so that a larger value
-- scores higher (recency is the negated days since the last order).
value_counts as (
    select
        'recency' as measure,
        cast(-days_since_last_order as {{ type_double() }}) as measure_value,
        count(*) as buyers_at_value
    from buyers
    where days_since_last_order is not null
    group by days_since_last_order
    union all
    select
        'frequency' as measure,
        cast(orders_lifetime as {{ type_double() }}) as measure_value,
        count(*) as buyers_at_value
    from buyers
    group by orders_lifetime
    union all
    select
        'monetary' as measure,
        cast(revenue_lifetime as {{ type_double() }}) as measure_value,
        count(*) as buyers_at_value
    from buyers
    where revenue_lifetime is not null
    group by revenue_lifetime
),

-- Values fall in buckets (value_bucket) so that no window runs over every
-- distinct value of a measure (amounts are nearly one per buyer): a rank or
-- running sum is that of the buckets below plus that within the value's own
-- bucket.
bucketed_values as (
    select
        measure,
        measure_value,
        buyers_at_value,
        {{ value_bucket('measure_value') }} as value_bucket
    from value_counts
),

within_buckets as (
    select
        measure,
        measure_value,
        value_bucket,
        row_number() over (
            partition by measure, value_bucket
            order by measure_value
        ) as rank_in_bucket,
        coalesce(sum(buyers_at_value) over (
            partition by measure, value_bucket
            order by measure_value
            rows between unbounded preceding and 1 preceding
        ), 0) as buyers_below_in_bucket
    from bucketed_values
),

buckets as (
    select
        measure,
        value_bucket,
        count(*) as values_in_bucket,
        sum(buyers_at_value) as buyers_in_bucket
    from bucketed_values
    group by measure, value_bucket
),

-- one row per measure and bucket: a few hundred at most
buckets_below as (
    select
        measure,
        value_bucket,
        coalesce(sum(values_in_bucket) over (
            partition by measure
            order by value_bucket
            rows between unbounded preceding and 1 preceding
        ), 0) as values_below_bucket,
        coalesce(sum(buyers_in_bucket) over (
            partition by measure
            order by value_bucket
            rows between unbounded preceding and 1 preceding
        ), 0) as buyers_below_bucket
    from buckets
),

measure_totals as (
    select
        measure,
        count(*) as distinct_values,
        sum(buyers_at_value) as ranked_buyers
    from value_counts
    group by measure
),

-- value_rank: 1 for the lowest value; buyers_below: buyers with a lower
-- value (the value's first rank minus one).
ranked_values as (
    select
        within_buckets.measure,
        within_buckets.measure_value,
        within_buckets.value_bucket,
        buckets_below.values_below_bucket + within_buckets.rank_in_bucket as value_rank,
        measure_totals.distinct_values,
        measure_totals.ranked_buyers,
        buckets_below.buyers_below_bucket + within_buckets.buyers_below_in_bucket as buyers_below
    from within_buckets
    inner join buckets_below
        on
            within_buckets.measure = buckets_below.measure
            and within_buckets.value_bucket = buckets_below.value_bucket
    inner join measure_totals
        on within_buckets.measure = measure_totals.measure
),

-- first_rank_bin: the quintile (1 to 5) of the value's first rank.
-- spread_score, for five distinct values or fewer: 1 + 4 (k - 1) / (d - 1),
-- rounded (the fractions are thirds, never halves; one value scores 1).
binned_values as (
    select
        measure,
        measure_value,
        value_bucket,
        value_rank,
        distinct_values,
        cast(floor(cast(5 * buyers_below as {{ type_double() }}) / ranked_buyers) as integer) + 1
            as first_rank_bin,
        cast(
            floor(cast(4 * (value_rank - 1) as {{ type_double() }}) / greatest(distinct_values - 1, 1) + 0.5)
            as integer
        ) + 1 as spread_score
    from ranked_values
),

-- "At most one more than the value below" unrolled: the score of the k-th
-- value is min over j <= k of (bin_j + k - j), i.e. k plus the running
-- minimum of bin_j - j: the minimum over the buckets below, then the running
-- minimum within the value's bucket.
bucket_minimums as (
    select
        measure,
        value_bucket,
        min(first_rank_bin - value_rank) as bucket_minimum
    from binned_values
    group by measure, value_bucket
),

minimums_below as (
    select
        measure,
        value_bucket,
        min(bucket_minimum) over (
            partition by measure
            order by value_bucket
            rows between unbounded preceding and 1 preceding
        ) as minimum_below_bucket
    from bucket_minimums
),

running_minimums as (
    select
        measure,
        measure_value,
        value_bucket,
        value_rank,
        distinct_values,
        spread_score,
        min(first_rank_bin - value_rank) over (
            partition by measure, value_bucket
            order by value_rank
            rows between unbounded preceding and current row
        ) as running_minimum
    from binned_values
),

stepped_values as (
    select
        running_minimums.measure,
        running_minimums.measure_value,
        running_minimums.distinct_values,
        running_minimums.spread_score,
        running_minimums.value_rank + least(
            coalesce(minimums_below.minimum_below_bucket, running_minimums.running_minimum),
            running_minimums.running_minimum
        ) as stepped_score
    from running_minimums
    inner join minimums_below
        on
            running_minimums.measure = minimums_below.measure
            and running_minimums.value_bucket = minimums_below.value_bucket
),

scored_values as (
    select
        measure,
        measure_value,
        case when distinct_values <= 5 then spread_score else stepped_score end as score
    from stepped_values
),

scored as (
    select
        buyers.profile_id,
        buyers.days_since_last_order,
        buyers.orders_lifetime,
        buyers.revenue_lifetime,
        recency.score as recency_score,
        frequency.score as frequency_score,
        monetary.score as monetary_score
    from buyers
    left join scored_values as recency
        on
            recency.measure = 'recency'
            and recency.measure_value = cast(-buyers.days_since_last_order as {{ type_double() }})
    left join scored_values as frequency
        on
            frequency.measure = 'frequency'
            and frequency.measure_value = cast(buyers.orders_lifetime as {{ type_double() }})
    left join scored_values as monetary
        on
            monetary.measure = 'monetary'
            and monetary.measure_value = cast(buyers.revenue_lifetime as {{ type_double() }})
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

{{ segment_contract('final', variant='segment_variant', values={
    'recency_score': 'integer', 'frequency_score': 'integer', 'monetary_score': 'integer',
    'days_since_last_order': 'integer', 'orders_lifetime': 'integer', 'revenue_lifetime': 'decimal',
}, carry=['recency_score', 'frequency_score', 'monetary_score']) }}
