-- The Fellegi-Sunter weight of every comparison level, as the probabilistic
-- matching uses them: estimated from this build's data by the dbt Python
-- model int_identity__estimated_match_weights (the default), or frozen: read
-- from the table or Parquet file that var `identity_match_weights` names,
-- written by an earlier estimation (`python -m open_segments.match_weights
-- export`). Frozen weights make matching repeatable across data refreshes
-- after a review, and are how engines without dbt Python models (Spark's
-- local and thrift methods) match.
-- Grain: one row per (comparison, level); comparison `prior` holds the prior.
{%- set frozen = var('identity_match_weights', none) %}
{%- if frozen is none and not python_models_enabled() and execute %}
    {{ exceptions.raise_compiler_error(
        "Match weights are estimated by a dbt Python model, which does not run on this target ("
        ~ target.type ~ "). Estimate them on DuckDB over the same data (or a sample of it), export them"
        ~ " with `python -m open_segments.match_weights export --out weights.parquet`, and set the var"
        ~ " identity_match_weights to that file (README: 'Run on Apache Spark').") }}
{%- endif %}
with

weights as (
    {%- if frozen is not none %}
    select * from {{ raw_relation_sql(frozen) }}
    {%- elif python_models_enabled() %}
    select * from {{ ref('int_identity__estimated_match_weights') }}
    {%- endif %}
),

final as (
    select
        cast(comparison as {{ dbt.type_string() }}) as comparison,
        cast(level as {{ dbt.type_bigint() }}) as level,
        cast(label as {{ dbt.type_string() }}) as label,
        cast(m_probability as {{ type_double() }}) as m_probability,
        cast(u_probability as {{ type_double() }}) as u_probability,
        cast(bayes_factor as {{ type_double() }}) as bayes_factor,
        cast(match_weight as {{ type_double() }}) as match_weight,
        cast(em_iterations as {{ dbt.type_bigint() }}) as em_iterations,
        cast(em_converged as {{ dbt.type_boolean() }}) as em_converged,
        cast(em_max_change as {{ type_double() }}) as em_max_change,
        cast(candidate_pairs as {{ dbt.type_bigint() }}) as candidate_pairs,
        cast(random_pairs as {{ dbt.type_bigint() }}) as random_pairs,
        cast(log_likelihood as {{ type_double() }}) as log_likelihood
    from weights
)

select * from final
