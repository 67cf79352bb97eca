-- How much every profile outside the seed segment (var lookalike_seed_segment)
-- resembles its members (ml_lookalikes), with its percentile: 100 = the most
-- alike. Among equal scores the smaller profile_id ranks higher. When the
-- lookalike model failed its quality gate (ml_model_gates) every row keeps a
-- null similarity and percentile and the reason, so seg_lookalikes is empty.
-- Grain: one row per profile_id.
with

lookalikes as (
    select * from {{ ref('ml_lookalikes') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- unscored rows (null similarity) are ranked apart and get no percentile
ranked as (
    select
        profile_id,
        seed_segment,
        similarity,
        not_served_reason,
        case
            when similarity is not null
                then ntile(100) over (partition by similarity is null order by similarity asc, profile_id desc)
        end as percentile
    from lookalikes
),

final as (
    select
        as_of.as_of_date,
        ranked.profile_id,
        ranked.seed_segment,
        ranked.similarity,
        ranked.percentile,
        ranked.not_served_reason
    from ranked
    cross join as_of
)

select * from final
