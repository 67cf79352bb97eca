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

-- The percentile is ntile(100) over the scored rows by similarity (ties by
-- profile_id, descending), computed from each row's position
-- (score_position_ctes) without a window over every scored row, which would
-- run in one partition.
scored as (
    select
        profile_id,
        similarity
    from lookalikes
    where similarity is not null
),

{{ score_position_ctes('scored', 'similarity', 'profile_id') }},

percentiles as (
    select
        profile_id,
        {{ ntile_of_position('score_position', 'scored_rows', 100) }} as percentile
    from scored_positions
),

ranked as (
    select
        lookalikes.profile_id,
        lookalikes.seed_segment,
        lookalikes.similarity,
        lookalikes.not_served_reason,
        percentiles.percentile
    from lookalikes
    left join percentiles
        on lookalikes.profile_id = percentiles.profile_id
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
