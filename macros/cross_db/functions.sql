{#- Small engine differences, each behind one dispatched macro. -#}

{#- Cast that yields null instead of failing on values that do not convert. -#}
{% macro try_cast_as(expr, data_type) %}
    {{- return(adapter.dispatch('try_cast_as', 'open_segments')(expr, data_type)) -}}
{% endmacro %}

{% macro default__try_cast_as(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}


{#- Latin letters without diacritics ('Zoë' -> 'Zoe'). -#}
{% macro strip_accents(expr) %}
    {{- return(adapter.dispatch('strip_accents', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'áàâäãåāăąçćčďéèêëēėęěğíìîïīįıłñńňóòôöõøōőřśšşťúùûüūůűųýÿźžżÁÀÂÄÃÅĀĂĄÇĆČĎÉÈÊËĒĖĘĚĞÍÌÎÏĪĮİŁÑŃŇÓÒÔÖÕØŌŐŘŚŠŞŤÚÙÛÜŪŮŰŲÝŸŹŽŻ',
        'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnoooooooorsssstuuuuuuuuyyzzzAAAAAAAAACCCDEEEEEEEEGIIIIIIILNNNOOOOOOOORSSSSTUUUUUUUUYYZZZ'
    )
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}


{#- True for a finite number: false for NaN, +/-infinity and null. -#}
{% macro is_finite(expr) %}
    {{- return(adapter.dispatch('is_finite', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__is_finite(expr) -%}
    coalesce(not isnan({{ expr }}) and abs({{ expr }}) < double('infinity'), false)
{%- endmacro %}

{% macro duckdb__is_finite(expr) -%}
    coalesce(isfinite({{ expr }}), false)
{%- endmacro %}


{#- Lowercase hexadecimal SHA-256 of a string (64 characters). -#}
{% macro sha256_hex(expr) %}
    {{- return(adapter.dispatch('sha256_hex', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}


{#-
    Jaro-Winkler similarity of two strings, 0 (nothing in common) to 1
    (equal). Spark has no Jaro-Winkler built-in: its default falls back to a
    normalized Levenshtein similarity, which puts a few borderline pairs in a
    neighbouring comparison level.
-#}
{% macro string_similarity(left, right) %}
    {{- return(adapter.dispatch('string_similarity', 'open_segments')(left, right)) -}}
{% endmacro %}

{% macro default__string_similarity(left, right) -%}
    (1.0 - levenshtein({{ left }}, {{ right }}) / greatest(length({{ left }}), length({{ right }}), 1))
{%- endmacro %}

{% macro duckdb__string_similarity(left, right) -%}
    jaro_winkler_similarity({{ left }}, {{ right }})
{%- endmacro %}


{#- The blank-separated words of a string in sorted order ('b a c' -> 'a b c'). -#}
{% macro sorted_tokens(expr) %}
    {{- return(adapter.dispatch('sorted_tokens', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__sorted_tokens(expr) -%}
    array_join(array_sort(split({{ expr }}, ' ')), ' ')
{%- endmacro %}

{% macro duckdb__sorted_tokens(expr) -%}
    array_to_string(list_sort(string_split({{ expr }}, ' ')), ' ')
{%- endmacro %}


{#- A struct with named fields, from a list of (name, expression) pairs; read
    a field back with `column.name`. -#}
{% macro named_struct(fields) %}
    {{- return(adapter.dispatch('named_struct', 'open_segments')(fields)) -}}
{% endmacro %}

{% macro default__named_struct(fields) -%}
    named_struct({% for name, expr in fields %}'{{ name }}', {{ expr }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__named_struct(fields) -%}
    struct_pack({% for name, expr in fields %}{{ name }} := {{ expr }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- A double-precision float. dbt's type_float() is `float`, which is 32-bit
    in DuckDB (7 significant digits: 1234567.89 reads as 1234567.84). -#}
{% macro type_double() %}
    {{- return(adapter.dispatch('type_double', 'open_segments')()) -}}
{% endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}


{#- A stable bucket in [0, buckets) from the SHA-256 of `expr` (its first 32
    bits): the same text gives the same bucket on every engine and run. -#}
{% macro hash_bucket(expr, buckets) %}
    {{- return(adapter.dispatch('hash_bucket', 'open_segments')(expr, buckets)) -}}
{% endmacro %}

{% macro default__hash_bucket(expr, buckets) -%}
    cast(conv(substring({{ sha256_hex(expr) }}, 1, 8), 16, 10) as bigint) % {{ buckets }}
{%- endmacro %}

{% macro duckdb__hash_bucket(expr, buckets) -%}
    cast(('0x' || substring({{ sha256_hex(expr) }}, 1, 8)) as bigint) % {{ buckets }}
{%- endmacro %}
