{#- Small engine differences, each behind one dispatched macro. -#}

{#- Cast that yields null instead of failing on values that do not convert. -#}
{% macro try_cast_as(expr, data_type) %}
    {{- return(adapter.dispatch('try_cast_as', 'open_segments')(expr, data_type)) -}}
{% endmacro %}

{% macro default__try_cast_as(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}


{#- Latin letters without diacritics ('Zoë' -> 'Zoe'): DuckDB's built-in, and
    the same mapping as a translate() table elsewhere (macros/cross_db/accents.sql). -#}
{% macro strip_accents(expr) %}
    {{- return(adapter.dispatch('strip_accents', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__strip_accents(expr) -%}
    {%- set table = accent_table() -%}
    translate({{ expr }}, '{{ table.accented ~ table.marks }}', '{{ table.plain }}')
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
    (equal): DuckDB's built-in, the same formula in Spark's higher-order
    functions (Spark has no built-in), and a normalized Levenshtein similarity
    on other engines (which puts a few borderline pairs in a neighbouring
    comparison level).
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

{#-
    Jaro-Winkler as DuckDB computes it: characters match when equal and at
    most max(length) / 2 - 1 positions apart, each character of the right
    string matched once, left to right; t = half the matched characters out
    of order (rounded down); Jaro = (m / |left| + m / |right| + (m - t) / m) / 3;
    above 0.7 it gains 0.1 * (1 - Jaro) per character of common prefix (at
    most 4). Null when either side is null, 0 when either is empty and the
    other is not. `transform(array(x), v -> ...)[0]` names a value once:
    Spark evaluates an expression as often as a lambda names it, and naming
    each character's partner in the step over every position of the right
    string made the similarity three times slower.
-#}
{% macro spark__string_similarity(left, right) -%}
    {%- set a = '(' ~ left ~ ')' -%}
    {%- set b = '(' ~ right ~ ')' -%}
    {%- set window = 'cast(greatest(0, floor(greatest(length(' ~ a ~ '), length(' ~ b ~ ')) / 2) - 1) as int)' -%}
    {#- the first free position of b that matches character i of a -#}
    {%- set partner -%}
        array_min(filter(
            sequence(greatest(1, i - {{ window }}), least(length({{ b }}), i + {{ window }})),
            j -> j between 1 and length({{ b }}) and abs(j - i) <= {{ window }}
                and not element_at(acc.used, j)
                and substr({{ b }}, j, 1) = substr({{ a }}, i, 1)
        ))
    {%- endset -%}
    case
        when {{ a }} is null or {{ b }} is null then null
        when {{ a }} = {{ b }} then 1.0
        when length({{ a }}) = 0 or length({{ b }}) = 0 then 0.0
        else aggregate(
            sequence(1, length({{ a }})),
            named_struct(
                'used', array_repeat(false, length({{ b }})),
                'matched', cast(array() as array<string>)
            ),
            (acc, i) -> transform(array({{ partner }}), p -> named_struct(
                'used', transform(acc.used, (used, k) -> used or k + 1 = coalesce(p, 0)),
                'matched', case
                    when p is null then acc.matched
                    else concat(acc.matched, array(substr({{ a }}, i, 1)))
                end
            ))[0],
            acc -> transform(
                array(named_struct(
                    'm', size(acc.matched),
                    'half_t', floor(size(filter(
                        zip_with(
                            acc.matched,
                            filter(transform(acc.used, (used, k) -> case when used then substr({{ b }}, k + 1, 1) end), c -> c is not null),
                            (x, y) -> x != y
                        ),
                        differs -> differs
                    )) / 2),
                    'prefix', size(filter(
                        sequence(1, least(4, length({{ a }}), length({{ b }}))),
                        k -> substr({{ a }}, 1, k) = substr({{ b }}, 1, k)
                    ))
                )),
                f -> transform(
                    array(case
                        when f.m = 0 then 0.0
                        else (cast(f.m as double) / length({{ a }}) + cast(f.m as double) / length({{ b }}) + (f.m - f.half_t) / cast(f.m as double)) / 3.0
                    end),
                    jaro -> case when jaro > 0.7 then jaro + f.prefix * cast(0.1 as double) * (1.0 - jaro) else jaro end
                )[0]
            )[0]
        )
    end
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


{#- A 64-bit integer hash of `expr`, for joining and grouping on a number
    instead of a long text key inside one query. Not the same on every engine,
    and two values may (very rarely) share one: use it where a shared number
    costs only work or fails a test, never for a stored key. -#}
{% macro integer_hash(expr) %}
    {{- return(adapter.dispatch('integer_hash', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__integer_hash(expr) -%}
    cast(conv(substring({{ dbt.hash(expr) }}, 1, 15), 16, 10) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__integer_hash(expr) -%}
    hash({{ expr }})
{%- endmacro %}

{% macro spark__integer_hash(expr) -%}
    xxhash64({{ expr }})
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


{#- The value of an environment variable of the engine's process, as text
    (null when unset or empty), substituted by the engine when the query runs:
    the value never enters compiled SQL. Spark does this with its variable
    substitution (spark.sql.variable.substitute, on by default); engines that
    cannot run dbt Python models instead (see python_models_enabled). -#}
{% macro environment_variable(name) %}
    {{- return(adapter.dispatch('environment_variable', 'open_segments')(name)) -}}
{% endmacro %}

{% macro default__environment_variable(name) -%}
    {{ exceptions.raise_compiler_error(
        "Reading the environment variable " ~ name ~ " in SQL is not supported on " ~ target.type
        ~ ": enable dbt Python models (var python_models_enabled), which read it instead.") }}
{%- endmacro %}

{% macro spark__environment_variable(name) -%}
    {#- An unset variable is left as written: '$' '{env:NAME}'. -#}
    nullif(nullif('${env:{{ name }}}', concat('$', '{env:{{ name }}}')), '')
{%- endmacro %}


{#- A unique integer per row, in no particular order (row_number() over ()
    where the engine allows an unordered window; Spark numbers rows without a
    window, which would gather every row in one partition). `order_by` is the
    fallback order for engines that need one. -#}
{% macro unordered_row_number(order_by) %}
    {{- return(adapter.dispatch('unordered_row_number', 'open_segments')(order_by)) -}}
{% endmacro %}

{% macro default__unordered_row_number(order_by) -%}
    row_number() over (order by {{ order_by }})
{%- endmacro %}

{% macro duckdb__unordered_row_number(order_by) -%}
    row_number() over ()
{%- endmacro %}

{% macro spark__unordered_row_number(order_by) -%}
    monotonically_increasing_id()
{%- endmacro %}
