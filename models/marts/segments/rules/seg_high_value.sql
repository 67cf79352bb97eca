-- High value: the top spend_rank_share_below of buyers by spend in the last
-- 365 days (ties at the boundary are all in or all out).
--
-- spend_rank_share is percent_rank() over buyers by spend, descending: the
-- buyers who spent more, divided by the buyers less one. It is counted
-- without a window over every buyer (which runs in one partition): buyers
-- are counted per amount, amounts fall in value buckets, and the buyers above
-- an amount are those of the buckets above plus those above it in its bucket.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

buyers as (
    select
        profile_id,
        revenue_365d
    from features
    where revenue_365d > 0
),

amounts as (
    select
        revenue_365d,
        {{ value_bucket('revenue_365d') }} as spend_bucket,
        count(*) as buyers_at_amount
    from buyers
    group by revenue_365d
),

buckets as (
    select
        spend_bucket,
        sum(buyers_at_amount) as buyers_in_bucket
    from amounts
    group by spend_bucket
),

buckets_above as (
    select
        spend_bucket,
        coalesce(sum(buyers_in_bucket) over (
            -- bounded: one row per spend bucket, a few hundred at most
            order by spend_bucket desc
            rows between unbounded preceding and 1 preceding
        ), 0) as buyers_above_bucket
    from buckets
),

amounts_ranked as (
    select
        amounts.revenue_365d,
        buckets_above.buyers_above_bucket + coalesce(sum(amounts.buyers_at_amount) over (
            partition by amounts.spend_bucket
            order by amounts.revenue_365d desc
            rows between unbounded preceding and 1 preceding
        ), 0) as buyers_above
    from amounts
    inner join buckets_above
        on amounts.spend_bucket = buckets_above.spend_bucket
),

buyer_count as (
    select count(*) as buyers from buyers
),

ranked as (
    select
        buyers.profile_id,
        buyers.revenue_365d,
        cast(amounts_ranked.buyers_above as {{ type_double() }})
        / greatest(buyer_count.buyers - 1, 1) as spend_rank_share
    from buyers
    inner join amounts_ranked
        on buyers.revenue_365d = amounts_ranked.revenue_365d
    cross join buyer_count
),

final as (
    select
        profile_id,
        revenue_365d,
        spend_rank_share
    from ranked
    where spend_rank_share < {{ segment_threshold('high_value', 'spend_rank_share_below') }}
)

{{ segment_contract('final', values={'revenue_365d': 'decimal', 'spend_rank_share': 'float'}) }}
