-- Purchase and churn propensity of every profile as of the as-of date
-- (ml_propensity_scores), with its decile and percentile within the target:
-- decile 10 and percentile 100 are the likeliest. Among equal scores the
-- smaller profile_id ranks higher (as in the backtest's deciles), so ranks
-- are the same in every build. A target whose model failed a quality gate
-- (ml_model_gates) keeps its rows with a null probability, decile and
-- percentile and the reason: the segments built on deciles are then empty.
-- Grain: one row per (profile_id, target).
with

scores as (
    select * from {{ ref('ml_propensity_scores') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- Deciles and percentiles are ntile(10) and ntile(100) within the target by
-- probability (ties by profile_id, descending), computed from each row's
-- position (score_position_ctes) without a window over a target's scored
-- rows, which would run in one partition. Unscored rows (null probability)
-- get none.
scored as (
    select
        profile_id,
        target,
        probability
    from scores
    where probability is not null
),

{{ score_position_ctes('scored', 'probability', 'profile_id', partition_by=['target']) }},

ranks as (
    select
        profile_id,
        target,
        {{ ntile_of_position('score_position', 'scored_rows', 10) }} as decile,
        {{ ntile_of_position('score_position', 'scored_rows', 100) }} as percentile
    from scored_positions
),

ranked as (
    select
        scores.profile_id,
        scores.target,
        scores.probability,
        scores.model_name,
        scores.not_served_reason,
        ranks.decile,
        ranks.percentile
    from scores
    left join ranks
        on scores.profile_id = ranks.profile_id
            and scores.target = ranks.target
),

final as (
    select
        as_of.as_of_date,
        ranked.profile_id,
        ranked.target,
        ranked.probability,
        ranked.model_name,
        ranked.decile,
        ranked.percentile,
        ranked.not_served_reason
    from ranked
    cross join as_of
)

select * from final
