-- The ML outputs that segments read describe the same as-of date as the
-- features: a build that reruns the features and segments but not the ML
-- models (dbt build --select tag:features tag:segments) would otherwise mix
-- scores of one date with rules of another. Select tag:ml too.
{{ config(enabled=python_models_enabled()) }}
with

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

ml_dates as (
    select distinct
        'fct_propensity_scores' as model_name,
        as_of_date
    from {{ ref('fct_propensity_scores') }}
    union all
    select distinct
        'fct_lookalike_scores' as model_name,
        as_of_date
    from {{ ref('fct_lookalike_scores') }}
    union all
    select distinct
        'ml_drift' as model_name,
        as_of_date
    from {{ ref('ml_drift') }}
),

final as (
    select
        ml_dates.model_name,
        ml_dates.as_of_date,
        as_of.as_of_date as features_as_of_date
    from ml_dates
    cross join as_of
    where ml_dates.as_of_date <> as_of.as_of_date
)

select * from final
