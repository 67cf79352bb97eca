{#-
    Whether this target runs dbt Python models: DuckDB runs them in-process
    and Databricks on a cluster; dbt-spark's local `session` and `thrift`
    methods cannot.
-#}
{% macro target_runs_python() %}
    {{ return(target.type in ['duckdb', 'databricks']) }}
{% endmacro %}


{#-
    Whether the ML models and the match-weight estimation (python_models/ml,
    python_models/identity) run: where the target runs Python models, unless
    the var `python_models_enabled` says otherwise. dbt_project.yml repeats
    this default in the `+enabled` of those folders (project config cannot
    call macros): keep the two in step.

    With them off, the SQL layer still builds whole: the match weights are
    frozen ones (int_identity__match_weights), the cluster and model segments
    are left out of the registry and the membership, and the ML columns of
    the marts are null. The pseudonymisation salt does not depend on this:
    its small Python model runs wherever the target runs Python, and engines
    that do not read it in SQL (int_privacy__pseudonymisation_salt).
-#}
{% macro python_models_enabled() %}
    {{ return(var('python_models_enabled', target_runs_python()) in [true, 'true', 'True']) }}
{% endmacro %}


{#- on-run-start: say once, at the top of the run, what is left out. -#}
{% macro announce_python_models() %}
    {%- if execute and not python_models_enabled() -%}
        {%- set why = "are disabled on this target (" ~ target.type ~ ")" if not target_runs_python()
            else "are off (var python_models_enabled)" -%}
        {%- do log(
            "dbt Python models " ~ why ~ ": no clustering, propensity, lookalikes, rule"
            ~ " suggestions, drift or match-weight estimation, and the cluster and model segments"
            ~ " are left out of the membership. Run them on DuckDB or on Databricks (README: 'Run on"
            ~ " Apache Spark').", info=true) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- The propensity scores (fct_propensity_scores: profile_id, target,
    probability, decile), or no rows of the same columns where Python models
    do not run. -#}
{% macro propensity_scores() %}
    {%- if python_models_enabled() -%}
    select
        profile_id,
        target,
        probability,
        decile
    from {{ ref('fct_propensity_scores') }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as profile_id,
        cast(null as {{ dbt.type_string() }}) as target,
        cast(null as {{ type_double() }}) as probability,
        cast(null as {{ dbt.type_bigint() }}) as decile
    where 1 = 0
    {%- endif -%}
{% endmacro %}
