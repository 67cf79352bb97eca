{#-
    Parsing text into UTC timestamps and dates. The formats are the contract's
    (ISO 8601, with or without a UTC offset; a handful of date layouts); every
    engine gets one dispatched implementation and returns null for text it
    cannot read, so staging can quarantine with a reason instead of failing.
-#}

{#-
    ISO 8601 text to a UTC timestamp (without time zone). Text with no offset
    is read in `source_timezone`. Unix epochs, which consent and event
    platforms export, are read too: 9-10 digits as seconds, 13 as milliseconds.
-#}
{% macro parse_utc_timestamp(expr) %}
    {{- return(adapter.dispatch('parse_utc_timestamp', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__parse_utc_timestamp(expr) -%}
    case
        when {{ regexp_contains('trim(' ~ expr ~ ')', '^[0-9]{9,10}$') }}
            then timestamp_seconds(cast(trim({{ expr }}) as bigint))
        when {{ regexp_contains('trim(' ~ expr ~ ')', '^[0-9]{13}$') }}
            then timestamp_millis(cast(trim({{ expr }}) as bigint))
        {#- Text with an offset is an instant; Spark reads it in the session
            time zone, which the profile pins to UTC. The offset is looked for
            in the trimmed text: a trailing blank must not hide it. -#}
        when {{ regexp_contains('trim(' ~ expr ~ ')', '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then try_to_timestamp({{ regexp_replace_all('trim(' ~ expr ~ ')', ' +([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$', '\\1') }})
        {%- if var("source_timezone", "UTC") | upper == "UTC" %}
        else try_to_timestamp(trim({{ expr }}))
        {%- else %}
        else to_utc_timestamp(try_to_timestamp(trim({{ expr }})), '{{ var("source_timezone") }}')
        {%- endif %}
    end
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(expr) -%}
    coalesce(
        {{ duckdb__parse_utc_timestamp_common_layouts(expr) }},
        {{ duckdb__parse_utc_timestamp_any_layout(expr) }}
    )
{%- endmacro %}

{#-
    The layouts exporters write most, read by one strict `strptime` each: ISO
    8601 in UTC ('Z', with or without milliseconds) and, when source_timezone
    is UTC, 'YYYY-MM-DD HH:MM:SS'. A `like` on the shape picks the layout
    first, since a failed `strptime` is slow. Null for any other text, which
    the general parser then reads: where both read a text they agree
    (tests/python/test_timestamps.py compares them on mutated timestamps), and
    this is 7 times faster (10.0 against 1.4 s for 27M receipt times).
-#}
{% macro duckdb__parse_utc_timestamp_common_layouts(expr) -%}
    case
        when {{ expr }} like '____-__-__T__:__:__.___Z'
            then try_strptime({{ expr }}, '%Y-%m-%dT%H:%M:%S.%gZ')
        when {{ expr }} like '____-__-__T__:__:__Z'
            then try_strptime({{ expr }}, '%Y-%m-%dT%H:%M:%SZ')
        {%- if var("source_timezone", "UTC") | upper == "UTC" %}
        when {{ expr }} like '____-__-__ __:__:__'
            then try_strptime({{ expr }}, '%Y-%m-%d %H:%M:%S')
        {%- endif %}
    end
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp_any_layout(expr) -%}
    {#- DuckDB ignores an offset when casting to TIMESTAMP, so text that carries
        one is cast to TIMESTAMPTZ (which applies it); a blank before the
        offset is dropped first, since the cast does not accept one, and the
        offset is looked for in the trimmed text, so a trailing blank does not
        hide it. -#}
    case
        when {{ regexp_contains('trim(' ~ expr ~ ')', '^[0-9]{9,10}$') }}
            then make_timestamp(cast(trim({{ expr }}) as bigint) * 1000000)
        when {{ regexp_contains('trim(' ~ expr ~ ')', '^[0-9]{13}$') }}
            then make_timestamp(cast(trim({{ expr }}) as bigint) * 1000)
        when {{ regexp_contains('trim(' ~ expr ~ ')', '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then timezone(
                'UTC',
                try_cast({{ regexp_replace_all('trim(' ~ expr ~ ')', ' +([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$', '\\1') }} as timestamptz)
            )
        {%- if var("source_timezone", "UTC") | upper == "UTC" %}
        else try_cast(trim({{ expr }}) as timestamp)
        {%- else %}
        else timezone('UTC', timezone('{{ var("source_timezone") }}', try_cast(trim({{ expr }}) as timestamp)))
        {%- endif %}
    end
{%- endmacro %}


{#-
    Date text in any contract layout to a DATE: 'YYYY-MM-DD', 'YYYY/MM/DD',
    'YYYYMMDD', 'D Mon YYYY', 'D Month YYYY' and slashed, dashed or dotted
    'DD/MM/YYYY'. Slashed dates are read day first (month first when
    `day_first_dates` is false); a date that is impossible that way but valid
    the other way ('08/21/1979') is read the other way.
-#}
{% macro parse_date(expr) %}
    {{- return(adapter.dispatch('parse_date', 'open_segments')(expr)) -}}
{% endmacro %}

{% macro default__parse_date(expr) -%}
    {#- One letter per field reads one or two digits ('3/7/1985'). -#}
    {%- set day_first = ['d/M/yyyy', 'd-M-yyyy', 'd.M.yyyy'] -%}
    {%- set month_first = ['M/d/yyyy', 'M-d-yyyy', 'M.d.yyyy'] -%}
    {%- set slashed = day_first + month_first if var('day_first_dates', true) else month_first + day_first -%}
    {%- set layouts = ['yyyy-MM-dd', 'yyyy/MM/dd', 'yyyyMMdd'] + slashed + ['d MMM yyyy', 'd MMMM yyyy'] -%}
    coalesce(
        {%- for layout in layouts %}
        to_date(trim({{ expr }}), '{{ layout }}'){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__parse_date(expr) -%}
    {%- set day_first = ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y'] -%}
    {%- set month_first = ['%m/%d/%Y', '%m-%d-%Y', '%m.%d.%Y'] -%}
    {%- set slashed = day_first + month_first if var('day_first_dates', true) else month_first + day_first -%}
    cast(try_strptime(
        trim({{ expr }}),
        ['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '{{ slashed | join("', '") }}', '%d %b %Y', '%d %B %Y']
    ) as date)
{%- endmacro %}


{#-
    A sort key that puts the latest instant first: the seconds from it to the
    end of time (smaller is later), and a key larger than any of those when
    the instant is null, so undated rows come last. For "latest wins" choices
    with `min_by` over a struct key, which has no per-field direction.
-#}
{% macro latest_first(timestamp_expr) -%}
    coalesce(
        {{ dbt.datediff(timestamp_expr, "cast('9999-12-31' as " ~ dbt.type_timestamp() ~ ")", 'second') }},
        {{ 2 ** 62 }}
    )
{%- endmacro %}
