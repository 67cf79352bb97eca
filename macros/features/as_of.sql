{#- How old something is at the as-of date. Both expect the as-of row
    (int_features__as_of) joined under the alias `as_of`. -#}

{#- Whole days from the timestamp's date to the as-of date: 0 on the as-of
    date, so "the last 30 days" is `< 30`. -#}
{% macro age_days(timestamp_expr) -%}
    {{ dbt.datediff('cast(' ~ timestamp_expr ~ ' as date)', 'as_of.as_of_date', 'day') }}
{%- endmacro %}


{#- Fractional days from the timestamp to the cutoff (the end of the as-of
    date), for decay weights. -#}
{% macro age_exact_days(timestamp_expr) -%}
    {{ dbt.datediff(timestamp_expr, 'as_of.as_of_cutoff', 'second') }} / 86400.0
{%- endmacro %}
