-- Calibration on the time-based holdout: for each decile of the candidate
-- model's score (10 = likeliest; it scores profiles unless ml_model_gates
-- says otherwise), the mean predicted probability beside the share that
-- really did it.
-- Grain: one row per (target, decile).
with

backtest as (
    select * from {{ ref('ml_propensity_backtest') }}
),

final as (
    select
        target,
        model_name,
        decile,
        max(case when measure = 'decile_rows' then value end) as profiles,
        max(case when measure = 'decile_mean_probability' then value end) as mean_probability,
        max(case when measure = 'decile_observed_rate' then value end) as observed_rate
    from backtest
    where decile is not null
    group by target, model_name, decile
)

select * from final
