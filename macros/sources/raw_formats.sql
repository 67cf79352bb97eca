{#-
    Formats of the raw mapping layer (`raw_mappings[...].formats`, `timezone`,
    `defaults`; see stage_raw_sources): each rewrites one column's raw text
    into the form the contract documents, inside the contract view, so that
    staging parses one form whatever the export looked like. A value that a
    format cannot read is passed on as delivered: staging then quarantines it
    with its raw text and reason, instead of the format guessing.

    Which columns take which formats is the contract's `meta.kind`:
    `timestamp` and `date` columns take `layout`; `amount` columns take
    `decimal_separator`, `thousands_separator` and `currency_symbols`.
-#}

{#- The contract text of one raw column: its format, the table's time zone
    and its default applied, in that order. -#}
{% macro conform_raw_text(text_sql, src, column, mapping) %}
    {%- set kind = node_meta(column).get('kind') -%}
    {%- set options = mapping.formats.get(column.name) or {} -%}
    {%- set expr = text_sql -%}
    {%- if kind == 'amount' and options -%}
        {%- set expr = raw_amount_text(expr, options) -%}
    {%- elif kind == 'date' and options.get('layout') -%}
        {%- set expr = raw_date_text(expr, layout_list(options.layout)) -%}
    {%- elif kind == 'timestamp' and (options.get('layout') or mapping.timezone) -%}
        {%- set expr = raw_timestamp_text(expr, layout_list(options.get('layout')), mapping.timezone) -%}
    {%- endif -%}
    {%- if column.name in mapping.defaults -%}
        {%- set expr = 'coalesce(nullif(trim(' ~ expr ~ "), ''), "
            ~ text_literal(mapping.defaults[column.name] | string) ~ ')' -%}
    {%- endif -%}
    {{ return(expr) }}
{% endmacro %}


{% macro layout_list(layout) %}
    {%- if layout is none -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return([layout] if layout is string else layout | list) }}
{% endmacro %}


{#- Stops the run unless `options` are formats `column` can take. -#}
{% macro validate_raw_format(where, column, options) %}
    {%- set kind = node_meta(column).get('kind') -%}
    {%- set allowed = {
        'timestamp': ['layout'],
        'date': ['layout'],
        'amount': ['decimal_separator', 'thousands_separator', 'currency_symbols'],
    } -%}
    {%- if kind not in allowed -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": " ~ column.name ~ " takes no format; formats apply to dates and timestamps (layout)"
            ~ " and amounts (decimal_separator, thousands_separator, currency_symbols)") }}
    {%- endif -%}
    {%- if options is not mapping or not options -%}
        {{ exceptions.raise_compiler_error(where ~ " must be a mapping of " ~ (allowed[kind] | join(', '))) }}
    {%- endif -%}
    {%- for option, value in options.items() -%}
        {%- if option not in allowed[kind] -%}
            {{ exceptions.raise_compiler_error(
                where ~ ": unknown option '" ~ option ~ "' for a " ~ kind ~ " column (known: "
                ~ (allowed[kind] | join(', ')) ~ ")") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if kind in ('timestamp', 'date') -%}
        {%- set layouts = layout_list(options.layout) -%}
        {%- for layout in layouts -%}
            {#- strftime directives the engines agree on; an offset (%z) is read
                without a layout, from ISO 8601 text -#}
            {%- if layout is not string
                or not modules.re.match("^([^%'\\\\]|%[YymdeHIMSfpbBjaA%])+$", layout)
                or not modules.re.search('%[Yy]', layout) -%}
                {{ exceptions.raise_compiler_error(
                    where ~ ".layout: '" ~ layout ~ "' is not a date layout of strftime directives"
                    ~ " %Y %y %m %d %e %H %I %M %S %f %p %b %B %j %a %A with a year (e.g. '%m/%d/%Y');"
                    ~ " times with a UTC offset need no layout") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if not layouts -%}
            {{ exceptions.raise_compiler_error(where ~ ".layout must be a layout or a list of them") }}
        {%- endif -%}
    {%- else -%}
        {%- set decimal = options.get('decimal_separator', '.') -%}
        {%- set thousands = options.get('thousands_separator', '') -%}
        {%- if decimal not in ('.', ',') -%}
            {{ exceptions.raise_compiler_error(where ~ ".decimal_separator must be '.' or ',', got: " ~ decimal) }}
        {%- endif -%}
        {%- if thousands not in (',', '.', ' ', "'", '') or thousands == decimal -%}
            {{ exceptions.raise_compiler_error(
                where ~ ".thousands_separator must be one of ',' '.' ' ' \"'\" or '' and differ from the"
                ~ " decimal separator, got: " ~ thousands) }}
        {%- endif -%}
        {%- for symbol in layout_list(options.get('currency_symbols')) -%}
            {%- if symbol is not string or symbol | length == 0 or symbol | length > 5
                or modules.re.search('[0-9.,+-]', symbol) -%}
                {{ exceptions.raise_compiler_error(
                    where ~ ".currency_symbols: '" ~ symbol ~ "' must be 1 to 5 characters and no digits,"
                    ~ " signs or separators (e.g. '$', 'US$', 'EUR')") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{#- Stops the run unless `zone` looks like an IANA time zone name ('UTC',
    'Europe/Paris', 'America/Argentina/Salta', 'Etc/GMT+10'); the engine
    then rejects names it does not know. -#}
{% macro validated_timezone(where, zone) %}
    {%- if zone is not string or not modules.re.match('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$', zone) -%}
        {{ exceptions.raise_compiler_error(
            where ~ " must be an IANA time zone name such as 'UTC' or 'America/New_York', got: " ~ zone) }}
    {%- endif -%}
    {{ return(zone) }}
{% endmacro %}


{#- A text literal of the current engine (quotes and, on Spark,
    backslashes escaped): configuration text enters SQL only through this. -#}
{% macro text_literal(value) %}
    {{- return(regex_literal(value | string)) -}}
{% endmacro %}


{#-
    An amount as the contract's plain decimal text ('1234.56'): currency
    symbols dropped, then the thousands separator (only where it groups
    digits by three), then the decimal separator made a dot. Null when the
    text is not such an amount (the caller keeps the raw text then).
-#}
{% macro raw_amount_text(expr, options) %}
    {%- set decimal = options.get('decimal_separator', '.') -%}
    {%- set thousands = options.get('thousands_separator', '') -%}
    {#- longest first, so 'US$' goes whole before '$' -#}
    {%- set by_length = [] -%}
    {%- for symbol in layout_list(options.get('currency_symbols')) -%}
        {%- do by_length.append([symbol | length, symbol]) -%}
    {%- endfor -%}
    {%- set text = namespace(sql='trim(' ~ expr ~ ')') -%}
    {%- for pair in by_length | sort(reverse=true) -%}
        {%- set text.sql = 'replace(' ~ text.sql ~ ', ' ~ text_literal(pair[1]) ~ ", '')" -%}
    {%- endfor -%}
    {#- no-break spaces group digits in many locales' exports -#}
    {%- set stripped = "trim(replace(replace(" ~ text.sql ~ ", '\u00a0', ' '), '\u202f', ' '))" -%}
    {%- set dec = '[.]' if decimal == '.' else ',' -%}
    {%- set grouped = '^[-+]?[0-9]+(' ~ dec ~ '[0-9]+)?$' -%}
    {%- if thousands -%}
        {%- set sep = {'.': '[.]', ',': ',', ' ': ' ', "'": "'"}[thousands] -%}
        {%- set grouped = '^[-+]?([0-9]+|[0-9]{1,3}(' ~ sep ~ '[0-9]{3})+)(' ~ dec ~ '[0-9]+)?$' -%}
    {%- endif -%}
    {%- set plain = stripped if not thousands else 'replace(' ~ stripped ~ ', ' ~ text_literal(thousands) ~ ", '')" -%}
    {%- if decimal == ',' -%}
        {%- set plain = 'replace(' ~ plain ~ ", ',', '.')" -%}
    {%- endif -%}
    {{ return('coalesce(case when ' ~ regexp_contains(stripped, grouped) ~ ' then ' ~ plain ~ ' end, ' ~ expr ~ ')') }}
{% endmacro %}


{#- A date read with the first matching layout, as 'YYYY-MM-DD'. -#}
{% macro raw_date_text(expr, layouts) %}
    {{- return(adapter.dispatch('raw_date_text', 'open_segments')(expr, layouts)) -}}
{% endmacro %}

{% macro duckdb__raw_date_text(expr, layouts) -%}
    coalesce(strftime(try_strptime(trim({{ expr }}), {{ duckdb_layouts(layouts) }}), '%Y-%m-%d'), {{ expr }})
{%- endmacro %}

{% macro default__raw_date_text(expr, layouts) -%}
    coalesce(date_format(coalesce(
        {%- for layout in layouts %}
        to_date(trim({{ expr }}), {{ text_literal(java_layout(layout)) }}){{ ',' if not loop.last }}
        {%- endfor %}
    ), 'yyyy-MM-dd'), {{ expr }})
{%- endmacro %}


{#-
    A timestamp read with the first matching layout (or, with none, as the
    engine reads ISO text), as contract text: with `timezone`, the UTC
    instant ('...Z'); without, the local time, which staging reads in
    `source_timezone`. Text that already carries a UTC offset or is a Unix
    epoch is an instant: it is passed on as delivered.
-#}
{% macro raw_timestamp_text(expr, layouts, timezone) %}
    {%- set instant = regexp_contains('trim(' ~ expr ~ ')',
        '([0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)|^[0-9]{9,13})$') -%}
    {%- set local = adapter.dispatch('raw_local_timestamp', 'open_segments')(expr, layouts) -%}
    {%- set text = adapter.dispatch('raw_timestamp_as_text', 'open_segments')(local, timezone) -%}
    {{ return('case when ' ~ instant ~ ' then ' ~ expr ~ ' else coalesce(' ~ text ~ ', ' ~ expr ~ ') end') }}
{% endmacro %}

{% macro duckdb__raw_local_timestamp(expr, layouts) -%}
    {%- if layouts -%}
        try_strptime(trim({{ expr }}), {{ duckdb_layouts(layouts) }})
    {%- else -%}
        try_cast(trim({{ expr }}) as timestamp)
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_local_timestamp(expr, layouts) -%}
    {%- if layouts -%}
        coalesce(
            {%- for layout in layouts %}
            to_timestamp(trim({{ expr }}), {{ text_literal(java_layout(layout)) }}){{ ',' if not loop.last }}
            {%- endfor %}
        )
    {%- else -%}
        to_timestamp(trim({{ expr }}))
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__raw_timestamp_as_text(local, timezone) -%}
    {%- if timezone -%}
        strftime(timezone('UTC', timezone({{ text_literal(timezone) }}, {{ local }})), '%Y-%m-%dT%H:%M:%S.%fZ')
    {%- else -%}
        strftime({{ local }}, '%Y-%m-%d %H:%M:%S.%f')
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_timestamp_as_text(local, timezone) -%}
    {%- if timezone -%}
        concat(date_format(to_utc_timestamp({{ local }}, {{ text_literal(timezone) }}), "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"), 'Z')
    {%- else -%}
        date_format({{ local }}, 'yyyy-MM-dd HH:mm:ss.SSSSSS')
    {%- endif -%}
{%- endmacro %}


{% macro duckdb_layouts(layouts) -%}
    [{% for layout in layouts %}{{ text_literal(layout) }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}


{#- A strftime layout in Java's DateTimeFormatter letters (Spark), literal
    text quoted. -#}
{% macro java_layout(layout) %}
    {%- set letters = {
        'Y': 'yyyy', 'y': 'yy', 'm': 'MM', 'd': 'dd', 'e': 'd', 'H': 'HH', 'I': 'hh', 'M': 'mm',
        'S': 'ss', 'f': 'SSSSSS', 'p': 'a', 'b': 'MMM', 'B': 'MMMM', 'j': 'DDD', 'a': 'EEE',
        'A': 'EEEE', '%': '%',
    } -%}
    {%- set parts = [] -%}
    {%- for token in modules.re.findall('%.|[A-Za-z]+|[^%A-Za-z]+', layout) -%}
        {%- if token.startswith('%') -%}
            {%- do parts.append(letters[token[1]]) -%}
        {%- elif modules.re.match('[A-Za-z]', token) -%}
            {%- do parts.append("'" ~ token ~ "'") -%}
        {%- else -%}
            {%- do parts.append(token) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts | join('')) }}
{% endmacro %}
