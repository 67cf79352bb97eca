-- Purchase and churn propensity of every profile as of the as-of date
-- (ml_propensity_scores), with its decile and percentile within the target:
-- decile 10 and percentile 100 are the likeliest. Among equal scores the
-- smaller profile_id ranks higher (as in the backtest's deciles), so ranks
-- are the same in every build.
-- Grain: one row per (profile_id, target).
with

scores as (
    select * from {{ ref('ml_propensity_scores') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

ranked as (
    select
        profile_id,
        target,
        probability,
        model_name,
        ntile(10) over (partition by target order by probability asc, profile_id desc) as decile,
        ntile(100) over (partition by target order by probability asc, profile_id desc) as percentile
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
        ranked.percentile
    from ranked
    cross join as_of
)

select * from final
