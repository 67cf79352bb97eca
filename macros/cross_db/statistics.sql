{#- The exact median of a numeric column (an aggregate; nulls ignored): the
    SQL standard's ordered-set aggregate, DuckDB's median and Spark's exact
    percentile (Spark before 3.4 has neither of the others). -#}
{% macro median(expr) %}
    {{- return(adapter.dispatch('median', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}
