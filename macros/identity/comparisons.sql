{#- Fellegi-Sunter comparisons. Each comparison of var('identity_comparisons')
    turns a pair of values into a level: -1 when either side is null (no
    evidence either way), 0 when they disagree, and higher levels for closer
    agreement, the top level being an exact match. The levels of a method are
    listed once, in comparison_labels, so SQL and the weights table agree. -#}

{#- The configured comparisons, checked: name -> {column, method, thresholds}. -#}
{% macro identity_comparisons() %}
    {%- set comparisons = var('identity_comparisons') -%}
    {%- for name, spec in comparisons.items() -%}
        {%- if spec.method not in ('exact', 'similarity', 'date') -%}
            {{ exceptions.raise_compiler_error(
                "identity_comparisons." ~ name ~ ": method must be exact, similarity or date, not '" ~ spec.method ~ "'") }}
        {%- endif -%}
        {%- if spec.method == 'similarity' and (spec.thresholds | default([]) | length) == 0 -%}
            {{ exceptions.raise_compiler_error(
                "identity_comparisons." ~ name ~ ": a similarity comparison needs thresholds, e.g. [0.92, 0.8]") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(comparisons) }}
{% endmacro %}


{#- Level labels of a comparison, level 0 first. -#}
{% macro comparison_labels(spec) %}
    {%- if spec.method == 'exact' -%}
        {{ return(['different', 'exact']) }}
    {%- elif spec.method == 'date' -%}
        {{ return(['different', 'one of year, month, day differs', 'day and month transposed', 'exact']) }}
    {%- else -%}
        {%- set labels = ['different'] -%}
        {%- for threshold in spec.thresholds | sort -%}
            {%- do labels.append('similarity >= ' ~ threshold) -%}
        {%- endfor -%}
        {%- do labels.append('exact') -%}
        {{ return(labels) }}
    {%- endif -%}
{% endmacro %}


{#- The level of the pair (left, right) under `spec`, as an integer expression. -#}
{% macro comparison_level(spec, left, right) -%}
    case
        when {{ left }} is null or {{ right }} is null then -1
        when {{ left }} = {{ right }} then {{ comparison_labels(spec) | length - 1 }}
    {%- if spec.method == 'date' %}
        when extract(year from {{ left }}) = extract(year from {{ right }})
            and extract(month from {{ left }}) = extract(day from {{ right }})
            and extract(day from {{ left }}) = extract(month from {{ right }})
            then 2
        when (case when extract(year from {{ left }}) = extract(year from {{ right }}) then 1 else 0 end)
            + (case when extract(month from {{ left }}) = extract(month from {{ right }}) then 1 else 0 end)
            + (case when extract(day from {{ left }}) = extract(day from {{ right }}) then 1 else 0 end) = 2
            then 1
    {%- elif spec.method == 'similarity' %}
        {%- for threshold in spec.thresholds | sort(reverse=true) %}
        when {{ string_similarity(left, right) }} >= {{ threshold }} then {{ loop.revindex }}
        {%- endfor %}
    {%- endif %}
        else 0
    end
{%- endmacro %}


{#- One `<name>` level column per configured comparison of the pair `left`, `right` (table aliases). -#}
{% macro comparison_level_columns(left, right) -%}
    {%- for name, spec in identity_comparisons().items() %}
    {{ comparison_level(spec, left ~ '.' ~ spec.column, right ~ '.' ~ spec.column) }} as {{ name }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
