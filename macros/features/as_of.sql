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
    cast({{ dbt.datediff(timestamp_expr, 'as_of.as_of_cutoff', 'second') }} as {{ type_double() }}) / 86400
{%- endmacro %}


{#- The weight of an activity `age_exact_days` old in a decay-weighted sum:
    0.5 every `engagement_half_life_days`. A decimal, so that sums are exact
    and the same whatever order the rows are added in (sums of doubles are
    not: two builds could differ in the last digit). -#}
{% macro decay_weight(age_exact_days_expr) -%}
    cast(power(0.5, {{ age_exact_days_expr }} / {{ var('engagement_half_life_days') }}) as decimal(18, 9))
{%- endmacro %}
