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

-- unscored rows (null probability) are ranked apart and get no decile
ranked as (
    select
        profile_id,
        target,
        probability,
        model_name,
        not_served_reason,
        case
            when probability is not null
                then ntile(10) over (partition by target, probability is null order by probability asc, profile_id desc)
        end as decile,
        case
            when probability is not null
                then ntile(100) over (partition by target, probability is null order by probability asc, profile_id desc)
        end as percentile
    from scores
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
