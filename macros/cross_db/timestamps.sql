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
    coalesce(
        {{ default__parse_utc_timestamp_iso(expr) }},
        {{ parse_utc_timestamp_other_forms(expr) }}
    )
{%- endmacro %}

{% macro default__parse_utc_timestamp_iso(expr) -%}
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
        {{ duckdb__parse_utc_timestamp_any_layout(expr) }},
        {{ parse_utc_timestamp_other_forms(expr) }}
    )
{%- endmacro %}

{#-
    The layouts exporters write most, read by one strict `strptime` each: ISO
    8601 in UTC ('Z', with or without milliseconds) and, when source_timezone
    is UTC, 'YYYY-MM-DD HH:MM:SS'. A `like` on the shape picks the layout
    first, since a failed `strptime` is slow. Null for any other text, which
    the general parser then reads: where both read a text they agree
    (tests/python/test_timestamps.py compares them on mutated timestamps), and
    a strict layout costs far less per row than trying every layout the
    general parser knows.
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


{#-
    The forms behind the contract's that consent, erasure and email platforms
    export, read only for text the ISO parsers left null (so they cost nothing
    on ISO text):
    - a trailing time zone abbreviation ('2026-10-30 12:00:00 AEST'), from
      `timezone_abbreviation_offsets`; an abbreviation it does not know leaves
      the text unreadable (quarantined with the raw value), never guessed;
    - slashed date-times ('30/10/2026 12:00', '10/30/2026 1:05:09 PM'), day
      first unless `day_first_dates` is false, and read the other way when
      impossible that way, as `parse_date` reads slashed dates; without an
      offset or abbreviation they are read in `source_timezone`.
-#}
{% macro parse_utc_timestamp_other_forms(expr) -%}
    {%- set text = 'trim(' ~ expr ~ ')' -%}
    {%- set zone = 'upper(' ~ regexp_extract_group(text, '([0-9.]\\s*|[AaPp][Mm]\\s+)([A-Za-z]{2,5})$', 2) ~ ')' -%}
    {%- set offsets = timezone_abbreviation_offsets() -%}
    {%- set offset -%}
        case {{ zone }}
            {%- for abbreviation, offset in offsets | dictsort %}
            when '{{ abbreviation }}' then '{{ offset }}'
            {%- endfor %}
        end
    {%- endset -%}
    {%- set zoned = regexp_replace_all(text, '\\s*[A-Za-z]{2,5}$', '') ~ ' || ' ~ offset -%}
    case
        when {{ regexp_contains(text, '([0-9.]\\s*|[AaPp][Mm]\\s+)[A-Za-z]{2,5}$') }}
            and {{ zone }} not in ('AM', 'PM')
            then coalesce(
                {{ adapter.dispatch('parse_utc_timestamp_iso_with_offset', 'open_segments')(zoned) }},
                {{ parse_slashed_timestamp(zoned, with_offset=true) }}
            )
        when {{ expr }} like '%/%/%'
            then {{ parse_slashed_timestamp(text, with_offset=false) }}
    end
{%- endmacro %}


{#-
    Zone abbreviations and their UTC offsets: the unambiguous ones exporters
    write, plus var `timezone_abbreviations` ({abbreviation: '+HH:MM'}), which
    adds to them and overrides them. Ambiguous abbreviations are left out on
    purpose (CST is US Central, China and Cuba; IST is India, Ireland and
    Israel): a source that uses one says which through the var.
-#}
{% macro timezone_abbreviation_offsets() -%}
    {%- set offsets = {
        'UTC': '+00:00', 'UT': '+00:00', 'GMT': '+00:00', 'WET': '+00:00', 'WEST': '+01:00',
        'BST': '+01:00', 'CET': '+01:00', 'CEST': '+02:00', 'MEZ': '+01:00', 'MESZ': '+02:00',
        'EET': '+02:00', 'EEST': '+03:00', 'MSK': '+03:00', 'PKT': '+05:00', 'ICT': '+07:00',
        'WIB': '+07:00', 'SGT': '+08:00', 'HKT': '+08:00', 'AWST': '+08:00', 'JST': '+09:00',
        'KST': '+09:00', 'ACST': '+09:30', 'ACDT': '+10:30', 'AEST': '+10:00', 'AEDT': '+11:00',
        'NZST': '+12:00', 'NZDT': '+13:00', 'HST': '-10:00', 'AKST': '-09:00', 'AKDT': '-08:00',
        'PST': '-08:00', 'PDT': '-07:00', 'MST': '-07:00', 'MDT': '-06:00', 'CDT': '-05:00',
        'EST': '-05:00', 'EDT': '-04:00', 'NST': '-03:30', 'NDT': '-02:30', 'BRT': '-03:00',
        'ART': '-03:00',
    } -%}
    {%- set configured = var('timezone_abbreviations', {}) or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error("var timezone_abbreviations must be a mapping such as {CST: '-06:00'}") }}
    {%- endif -%}
    {%- for abbreviation, offset in configured.items() -%}
        {%- if not modules.re.fullmatch('[A-Za-z]{2,5}', abbreviation | string)
            or not modules.re.fullmatch('[+-](0[0-9]|1[0-4]):[0-5][0-9]', offset | string) -%}
            {{ exceptions.raise_compiler_error(
                "var timezone_abbreviations: '" ~ abbreviation ~ "' must be 2 to 5 letters mapped to an offset '+HH:MM' (got '" ~ offset ~ "')") }}
        {%- endif -%}
        {%- do offsets.update({(abbreviation | string | upper): (offset | string)}) -%}
    {%- endfor -%}
    {{ return(offsets) }}
{%- endmacro %}


{#- ISO 8601 text that ends in a '+HH:MM' offset, to a UTC timestamp. -#}
{% macro default__parse_utc_timestamp_iso_with_offset(expr) -%}
    try_to_timestamp({{ expr }})
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp_iso_with_offset(expr) -%}
    timezone('UTC', try_cast({{ expr }} as timestamptz))
{%- endmacro %}


{#-
    A slashed date-time to a UTC timestamp: day/month/year (or month/day/year,
    see `day_first_dates`), then hours and minutes, optional seconds, an
    optional AM/PM and, when `with_offset`, a '+HH:MM' offset; without one,
    the time is read in `source_timezone`.
-#}
{% macro parse_slashed_timestamp(expr, with_offset) %}
    {{- return(adapter.dispatch('parse_slashed_timestamp', 'open_segments')(expr, with_offset)) -}}
{% endmacro %}

{% macro slashed_timestamp_layouts(day, month, year, hour24, hour12, minute, second, am_pm, offset, with_offset) -%}
    {%- set dates = [day ~ '/' ~ month ~ '/' ~ year, month ~ '/' ~ day ~ '/' ~ year] -%}
    {%- if not var('day_first_dates', true) -%}{%- set dates = dates | reverse | list -%}{%- endif -%}
    {%- set times = [
        hour24 ~ ':' ~ minute, hour24 ~ ':' ~ minute ~ ':' ~ second,
        hour12 ~ ':' ~ minute ~ ' ' ~ am_pm, hour12 ~ ':' ~ minute ~ ':' ~ second ~ ' ' ~ am_pm,
    ] -%}
    {%- set layouts = [] -%}
    {%- for date in dates -%}
        {%- for time in times -%}
            {%- do layouts.append(date ~ ' ' ~ time ~ (offset if with_offset else '')) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(layouts) }}
{%- endmacro %}

{% macro default__parse_slashed_timestamp(expr, with_offset) -%}
    {%- set layouts = slashed_timestamp_layouts('d', 'M', 'yyyy', 'H', 'h', 'mm', 'ss', 'a', 'XXX', with_offset) -%}
    {%- set parsed -%}
        coalesce(
            {%- for layout in layouts %}
            try_to_timestamp({{ expr }}, '{{ layout }}'){{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- endset -%}
    {%- if with_offset or var("source_timezone", "UTC") | upper == "UTC" -%}
        {{ parsed }}
    {%- else -%}
        to_utc_timestamp({{ parsed }}, '{{ var("source_timezone") }}')
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__parse_slashed_timestamp(expr, with_offset) -%}
    {%- set layouts = slashed_timestamp_layouts('%d', '%m', '%Y', '%H', '%I', '%M', '%S', '%p', '%z', with_offset) -%}
    {%- set parsed = "try_strptime(" ~ expr ~ ", ['" ~ layouts | join("', '") ~ "'])" -%}
    {%- if with_offset -%}
        timezone('UTC', {{ parsed }})
    {%- elif var("source_timezone", "UTC") | upper == "UTC" -%}
        {{ parsed }}
    {%- else -%}
        timezone('UTC', timezone('{{ var("source_timezone") }}', {{ parsed }}))
    {%- endif -%}
{%- endmacro %}
