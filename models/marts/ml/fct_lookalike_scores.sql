-- How much every profile outside the seed segment (var lookalike_seed_segment)
-- resembles its members (ml_lookalikes), with its percentile: 100 = the most
-- alike. Among equal scores the smaller profile_id ranks higher.
-- Grain: one row per profile_id.
with

lookalikes as (
    select * from {{ ref('ml_lookalikes') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

ranked as (
    select
        profile_id,
        seed_segment,
        similarity,
        ntile(100) over (order by similarity asc, profile_id desc) as percentile
    from lookalikes
),

final as (
    select
        as_of.as_of_date,
        ranked.profile_id,
        ranked.seed_segment,
        ranked.similarity,
        ranked.percentile
    from ranked
    cross join as_of
)

select * from final
