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


{#- A bucket of a numeric value that never decreases as the value grows, so a
    window partitioned by it, plus a sum over the (few) buckets before, gives
    a rank over the whole table without putting every row in one partition.
    With `width`, buckets are that wide (for a value of a known, small range);
    without, they are 1/16 of a natural-log step wide on either side of zero
    (about 6 % of the value), so any real value falls in one of a few thousand
    buckets at most. -#}
{% macro value_bucket(expr, width=none) -%}
    {%- if width is none -%}
        cast(sign({{ expr }}) * floor(ln(1 + abs({{ expr }})) * 16) as {{ dbt.type_bigint() }})
    {%- else -%}
        cast(floor({{ expr }} / {{ width }}) as {{ dbt.type_bigint() }})
    {%- endif -%}
{%- endmacro %}
