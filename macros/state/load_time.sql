{#-
    The load time: the latest instant the raw data can truthfully describe.
    It is var `load_time` (an ISO timestamp, for reproducing a past build or
    pinning a test) or else the warehouse's clock (UTC) when the query runs
    (`utc_now`).
    The clock is read in SQL, not written into it: a staging model reused
    while its raw rows and code are unchanged (table_if_inputs_changed)
    must compile to the same text on every run. So a row quarantined as
    future-dated is looked at again when its source changes.
    Nothing the sources hold can be later than the moment they were read:
    an event, order or receipt time after it comes from a wrong clock (a
    device set to 2099), is quarantined as future-dated by staging, and
    never moves the default as-of date or the incremental window.
-#}
{% macro load_time() -%}
    {%- set pinned = var('load_time', none) -%}
    {%- if pinned is none -%}
        {{ return(utc_now()) }}
    {%- else -%}
        {%- set text = pinned | string -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$', text) -%}
            {{ exceptions.raise_compiler_error(
                "var load_time must be a UTC date or timestamp written YYYY-MM-DD[ HH:MM[:SS]], not '"
                ~ text ~ "'") }}
        {%- endif -%}
        {%- set text = text | replace('T', ' ') -%}
    {%- endif -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- True when a parsed UTC timestamp is after the load time (plus var
    `clock_skew_tolerance_minutes`, for clocks a little ahead). -#}
{% macro is_future_dated(expr) -%}
    ({{ expr }} > {{ dbt.dateadd('minute', clock_skew_tolerance_minutes(), load_time()) }})
{%- endmacro %}


{% macro clock_skew_tolerance_minutes() -%}
    {%- set value = var('clock_skew_tolerance_minutes', 60) -%}
    {%- if value is not number or value is boolean or value < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var clock_skew_tolerance_minutes must be a whole number of minutes >= 0, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{- value | int -}}
{%- endmacro %}
