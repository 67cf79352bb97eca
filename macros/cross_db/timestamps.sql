{#-
    Parsing text into UTC timestamps and dates. The formats are the contract's
    (ISO 8601, with or without a UTC offset; a handful of date layouts); every
    engine gets one dispatched implementation and returns null for text it
    cannot read, so staging can quarantine with a reason instead of failing.
-#}

{#- ISO 8601 text to a UTC timestamp (without time zone). Text with no offset is read in `source_timezone`. -#}
{% macro parse_utc_timestamp(expr) %}
    {{- return(adapter.dispatch('parse_utc_timestamp', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__parse_utc_timestamp(expr) -%}
    to_utc_timestamp(try_to_timestamp(trim({{ expr }})), '{{ var("source_timezone", "UTC") }}')
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(expr) -%}
    {#- DuckDB ignores an offset when casting to TIMESTAMP, so text that carries
        one is cast to TIMESTAMPTZ (which applies it); a blank before the
        offset is dropped first, since the cast does not accept one. -#}
    case
        when {{ regexp_contains(expr, '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then timezone(
                'UTC',
                try_cast({{ regexp_replace_all('trim(' ~ expr ~ ')', ' +([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$', '\\1') }} as timestamptz)
            )
        else timezone('UTC', timezone('{{ var("source_timezone", "UTC") }}', try_cast(trim({{ expr }}) as timestamp)))
    end
{%- endmacro %}


{#-
    Date text in any contract layout to a DATE: 'YYYY-MM-DD', 'YYYY/MM/DD',
    'YYYYMMDD', 'D Mon YYYY', 'D Month YYYY' and slashed or dashed day-first
    ('DD/MM/YYYY'), or month-first when `day_first_dates` is false.
-#}
{% macro parse_date(expr) %}
    {{- return(adapter.dispatch('parse_date', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__parse_date(expr) -%}
    {%- set slashed = 'dd/MM/yyyy' if var('day_first_dates', true) else 'MM/dd/yyyy' -%}
    coalesce(
        to_date(trim({{ expr }}), 'yyyy-MM-dd'),
        to_date(trim({{ expr }}), 'yyyy/MM/dd'),
        to_date(trim({{ expr }}), 'yyyyMMdd'),
        to_date(trim({{ expr }}), '{{ slashed }}'),
        to_date(trim({{ expr }}), 'd MMM yyyy'),
        to_date(trim({{ expr }}), 'd MMMM yyyy')
    )
{%- endmacro %}

{% macro duckdb__parse_date(expr) -%}
    {%- set slashed = ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'] if var('day_first_dates', true) else ['%m/%d/%Y', '%m-%d-%Y', '%m.%d.%Y'] -%}
    cast(try_strptime(
        trim({{ expr }}),
        ['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '{{ slashed | join("', '") }}', '%d %b %Y', '%d %B %Y']
    ) as date)
{%- endmacro %}
