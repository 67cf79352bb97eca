{#-
    Regular expressions differ between engines: DuckDB's regexp_replace
    replaces the first match unless given the 'g' option, Spark's replaces
    every match; DuckDB tests with regexp_matches, Spark with rlike; and
    Spark string literals treat backslashes as escapes. Models call these
    macros, never the engine functions, and write patterns exactly as the
    regex engine should see them (backslashes and quotes included).
-#}

{#- The pattern as a string literal of the current engine. -#}
{% macro regex_literal(pattern) %}
    {{- return(adapter.dispatch('regex_literal', 'open_segments')(pattern)) -}}
{% endmacro %}

{% macro default__regex_literal(pattern) -%}
    '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro duckdb__regex_literal(pattern) -%}
    '{{ pattern | replace("'", "''") }}'
{%- endmacro %}


{#- Replace every match of `pattern` in `expr`. -#}
{% macro regexp_replace_all(expr, pattern, replacement) %}
    {{- return(adapter.dispatch('regexp_replace_all', 'open_segments')(expr, pattern, replacement)) -}}
{% endmacro %}

{#- Replacements are written as RE2 reads them: `\\1` for a group. Java's
    regex (Spark) writes a group `$1` and a literal dollar `\\$`. -#}
{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement | replace('$', '\\$')) -%}
    regexp_replace({{ expr }}, {{ regex_literal(pattern) }}, {{ regex_literal(java_replacement) }})
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ regex_literal(pattern) }}, {{ regex_literal(replacement) }}, 'g')
{%- endmacro %}


{#- True when `pattern` matches anywhere in `expr` (anchor it for a full match). -#}
{% macro regexp_contains(expr, pattern) %}
    {{- return(adapter.dispatch('regexp_contains', 'open_segments')(expr, pattern)) -}}
{% endmacro %}

{% macro default__regexp_contains(expr, pattern) -%}
    ({{ expr }} rlike {{ regex_literal(pattern) }})
{%- endmacro %}

{% macro duckdb__regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ regex_literal(pattern) }})
{%- endmacro %}


{#- The text of capture group `group` of the first match, or '' when there is none. -#}
{% macro regexp_extract_group(expr, pattern, group) -%}
    regexp_extract({{ expr }}, {{ regex_literal(pattern) }}, {{ group }})
{%- endmacro %}
