{#-
    Conform the raw data to the documented contract before anything reads it.

    For every source table declared in a `_<source>__sources.yml` under the
    `raw_contract_schema`, this (re)creates one view that selects exactly the
    contract's columns, as text, from wherever the data lives:

      - where: `raw_locations['source.table']`, else the `raw_location` var or
        the SEGMENTS_RAW_LOCATION environment variable (a pattern with
        `{source}` and `{table}` filled in); a file pattern (Parquet, CSV,
        NDJSON; globs allowed) or a relation (`schema.table`,
        `database.schema.table`). A table named in `raw_locations` whose
        location matches nothing stops the run (a typo must not read as an
        empty erasure feed); a table the pattern finds nothing for is absent;
        with no pattern configured, a table not named in `raw_locations` is
        absent. Nothing falls back to the demo data.
      - which columns: `raw_mappings['source.table'].columns` maps contract
        columns to the file's names ('Customer ID'); unmapped contract columns
        match a file column case-insensitively, then ignoring everything but
        letters and digits ('E-mail' is email). A mapped column the file lacks
        stops the run; file columns that match nothing are listed in a
        warning, with the contract columns left empty.
      - formats: `raw_mappings[...].formats` rewrites a column's text into the
        contract's form: date and timestamp layouts ('%m/%d/%Y'), decimal and
        thousands separators and currency symbols for amounts; `timezone`
        reads the table's offset-less timestamps in that zone; `defaults`
        fills a column the rows leave empty (`{currency: USD}`). A value a
        format cannot read stays as delivered, so staging quarantines it
        with the raw text.
      - a contract column that the data lacks is read as null (or its
        default), unless the column is `required` (then the run stops, naming
        source and column); a contract column whose raw type cannot be read
        as text (a struct, list, map or binary: the export changed shape)
        stops the run, naming source, column and type.

    Staging models then read `source()` as usual, unit tests get fixtures
    with the contract's columns, and a user points the project at new data by
    configuration only. Runs as the project's on-run-start hook, after
    `validate_vars`.
-#}
{% macro stage_raw_sources() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set contract_schema = var('raw_contract_schema', 'raw_contract') -%}
    {%- set tables = [] -%}
    {%- for src in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if src.package_name == project_name and src.schema == contract_schema -%}
            {%- do tables.append(src) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do validate_raw_table_keys('raw_locations', tables) -%}
    {%- do validate_raw_table_keys('raw_mappings', tables) -%}
    {%- do adapter.create_schema(api.Relation.create(database=target_database(), schema=contract_schema)) -%}
    {%- set staged = [] -%}
    {%- for src in tables -%}
        {%- do staged.append(stage_raw_source(src)) -%}
    {%- endfor -%}
    {%- do log('Raw contract views: ' ~ (staged | join('; ')), info=true) -%}
    {{ return('') }}
{% endmacro %}


{#- A dict var keyed 'source.table' must name tables of the contract. -#}
{% macro validate_raw_table_keys(var_name, tables) %}
    {%- set value = var(var_name, {}) or {} -%}
    {%- if value is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " must be a mapping keyed 'source.table', got: " ~ value) }}
    {%- endif -%}
    {%- set known = [] -%}
    {%- for src in tables -%}
        {%- do known.append(src.source_name ~ '.' ~ src.name) -%}
    {%- endfor -%}
    {%- for key in value -%}
        {%- if key not in known -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ var_name ~ ": '" ~ key ~ "' is not a raw table of the contract; the tables are: "
                ~ (known | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- Creates the contract view of one source table; returns a one-line status. -#}
{% macro stage_raw_source(src) %}
    {%- set name = src.source_name ~ '.' ~ src.name -%}
    {%- set where = raw_location_of(src) -%}
    {%- set location = where.location -%}
    {%- set table_meta = node_meta(src) -%}
    {%- set mapping = raw_mapping_of(src) -%}
    {%- set found = none if location is none else raw_columns(location) -%}
    {%- set view = api.Relation.create(database=target_database(), schema=src.schema, identifier=src.identifier, type='view') -%}

    {%- if found is none and where.origin == 'raw_locations' and location | trim | lower != 'absent' -%}
        {{ exceptions.raise_compiler_error(
            "Raw table " ~ name ~ ": raw_locations['" ~ name ~ "'] is '" ~ location ~ "', which matches"
            ~ " nothing. Fix the path, or set it to 'absent' if this source has no data.") }}
    {%- endif -%}
    {%- if found is none -%}
        {%- if table_meta.get('required', false) -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ name ~ " is required but "
                ~ ("no location is configured for it" if location is none else "nothing was found at '" ~ location ~ "'")
                ~ ". Point the `raw_location` var (or SEGMENTS_RAW_LOCATION) at your data, "
                ~ "or set raw_locations: {'" ~ name ~ "': '...'}.") }}
        {%- endif -%}
        {%- set select_list = [] -%}
        {%- for column in src.columns.values() -%}
            {%- do select_list.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endfor -%}
        {%- set body = 'select ' ~ (select_list | join(', ')) ~ ' where 1 = 0' -%}
        {%- set status = name ~ ': absent, read as empty'
            ~ (' (not configured)' if location is none else ' (nothing at ' ~ location ~ ')') -%}
    {%- else -%}
        {%- set matched = match_raw_columns(src, found, mapping, location) -%}
        {%- set select_list = [] -%}
        {%- for column in src.columns.values() -%}
            {%- set actual = matched.get(column.name) -%}
            {%- if actual is none -%}
                {%- set text_sql = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
            {%- else -%}
                {%- set text_sql = raw_as_text(adapter.quote(actual.name), actual.type) -%}
            {%- endif -%}
            {%- do select_list.append(conform_raw_text(text_sql, src, column, mapping) ~ ' as ' ~ column.name) -%}
        {%- endfor -%}
        {%- set body = 'select ' ~ (select_list | join(', ')) ~ ' from ' ~ raw_relation_sql(location) -%}
        {%- set status = name ~ ': ' ~ location -%}
    {%- endif -%}

    {%- do run_query('create or replace view ' ~ view ~ ' as ' ~ body) -%}
    {{ return(status) }}
{% endmacro %}


{#-
    Where one source table's raw data lives, as {location, origin}: origin
    'raw_locations' (named for this table), 'pattern' (the raw_location var
    or SEGMENTS_RAW_LOCATION) or 'unconfigured' (location none).
-#}
{% macro raw_location_of(src) %}
    {%- set overrides = var('raw_locations', {}) or {} -%}
    {%- set key = src.source_name ~ '.' ~ src.name -%}
    {%- if key in overrides -%}
        {%- set template = overrides[key] -%}
        {%- set origin = 'raw_locations' -%}
    {%- else -%}
        {%- set template = var('raw_location', none) or env_var('SEGMENTS_RAW_LOCATION', '') or none -%}
        {%- set origin = 'unconfigured' if template is none else 'pattern' -%}
    {%- endif -%}
    {%- if template is none -%}
        {{ return({'location': none, 'origin': origin}) }}
    {%- endif -%}
    {%- if template is not string or template | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "The raw location of " ~ key ~ " must be a non-empty text (a file pattern or schema.table), got: "
            ~ template) }}
    {%- endif -%}
    {{ return({
        'location': template | trim | replace('{source}', src.source_name) | replace('{table}', src.name),
        'origin': origin,
    }) }}
{% endmacro %}


{#-
    The validated `raw_mappings` entry of one source table:
    {columns: {contract column: file column}, formats: {contract column:
    {option: value}}, timezone: zone or none, defaults: {contract column:
    text}}. Every problem stops the run with the var's path in the message.
-#}
{% macro raw_mapping_of(src) %}
    {%- set key = src.source_name ~ '.' ~ src.name -%}
    {%- set entry = (var('raw_mappings', {}) or {}).get(key) or {} -%}
    {%- set where = "var raw_mappings['" ~ key ~ "']" -%}
    {%- if entry is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ " must be a mapping with columns, formats, timezone or defaults") }}
    {%- endif -%}
    {%- for option in entry -%}
        {%- if option not in ('columns', 'formats', 'timezone', 'defaults') -%}
            {{ exceptions.raise_compiler_error(
                where ~ ": unknown option '" ~ option ~ "' (known: columns, formats, timezone, defaults)") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set contract = src.columns.keys() | list -%}
    {%- set columns = entry.get('columns') or {} -%}
    {%- set formats = entry.get('formats') or {} -%}
    {%- set defaults = entry.get('defaults') or {} -%}
    {%- for option, value in [('columns', columns), ('formats', formats), ('defaults', defaults)] -%}
        {%- if value is not mapping -%}
            {{ exceptions.raise_compiler_error(where ~ "." ~ option ~ " must be a mapping keyed by contract column") }}
        {%- endif -%}
        {%- for column in value -%}
            {%- if column not in contract -%}
                {{ exceptions.raise_compiler_error(
                    where ~ "." ~ option ~ ": '" ~ column ~ "' is not a column of the contract; its columns are: "
                    ~ (contract | join(', '))) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for column, file_column in columns.items() -%}
        {%- if file_column is not string or file_column == '' -%}
            {{ exceptions.raise_compiler_error(
                where ~ ".columns." ~ column ~ " must be the file's column name as text, got: " ~ file_column) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for column, value in defaults.items() -%}
        {%- if value is none or value is mapping or (value is iterable and value is not string) -%}
            {{ exceptions.raise_compiler_error(
                where ~ ".defaults." ~ column ~ " must be one value (text or number), got: " ~ value) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for column, options in formats.items() -%}
        {%- do validate_raw_format(where ~ ".formats." ~ column, src.columns[column], options) -%}
    {%- endfor -%}
    {%- set timezone = entry.get('timezone') -%}
    {%- if timezone is not none -%}
        {%- do validated_timezone(where ~ ".timezone", timezone) -%}
    {%- endif -%}
    {{ return({'columns': columns, 'formats': formats, 'timezone': timezone, 'defaults': defaults}) }}
{% endmacro %}


{#-
    Which file column feeds each contract column: {contract column: {name,
    type}} for those found. Explicit mappings first, then a case-insensitive
    match, then one ignoring all but letters and digits. Warns about file
    columns left unread.
-#}
{% macro match_raw_columns(src, found, mapping, location) %}
    {%- set name = src.source_name ~ '.' ~ src.name -%}
    {%- set matched = {} -%}
    {%- set used = [] -%}
    {%- set loose = {} -%}
    {%- for lowered, actual in found.items() -%}
        {%- set squeezed = squeeze_column_name(lowered) -%}
        {%- do loose.update({squeezed: loose.get(squeezed, []) + [actual]}) -%}
    {%- endfor -%}
    {%- for column in src.columns.values() -%}
        {%- set mapped = mapping.columns.get(column.name) -%}
        {%- if mapped is not none -%}
            {%- set actual = found.get(mapped | lower) -%}
            {%- if actual is none -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ name ~ " at '" ~ location ~ "': var raw_mappings maps " ~ column.name
                    ~ " to the column '" ~ mapped ~ "', which the data lacks. It has: "
                    ~ (found.values() | map(attribute='name') | join(', '))) }}
            {%- endif -%}
        {%- elif column.name | lower in found -%}
            {%- set actual = found[column.name | lower] -%}
        {%- else -%}
            {%- set candidates = loose.get(squeeze_column_name(column.name), []) -%}
            {%- if candidates | length > 1 -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ name ~ " at '" ~ location ~ "': the columns "
                    ~ (candidates | map(attribute='name') | join(' and ')) ~ " could both be " ~ column.name
                    ~ ". Say which with raw_mappings: {'" ~ name ~ "': {columns: {" ~ column.name ~ ": '...'}}}") }}
            {%- endif -%}
            {%- set actual = candidates[0] if candidates else none -%}
        {%- endif -%}
        {%- if actual is not none -%}
            {%- if not is_text_readable_type(actual.type) -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ name ~ " at '" ~ location ~ "': column " ~ column.name ~ " has type "
                    ~ actual.type ~ ", which cannot be read as text (the contract expects a scalar:"
                    ~ " text, number, date or timestamp). The export changed shape; flatten the column"
                    ~ " or point raw_locations['" ~ name ~ "'] at a conforming copy.") }}
            {%- endif -%}
            {%- do matched.update({column.name: actual}) -%}
            {%- do used.append(actual.name) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set missing_required = [] -%}
    {%- set unfilled = [] -%}
    {%- for column in src.columns.values() -%}
        {%- if column.name not in matched and column.name not in mapping.defaults -%}
            {%- if node_meta(column).get('required', false) -%}
                {%- do missing_required.append(column.name) -%}
            {%- else -%}
                {%- do unfilled.append(column.name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing_required -%}
        {{ exceptions.raise_compiler_error(
            "Raw table " ~ name ~ " at '" ~ location ~ "' lacks required column(s): "
            ~ (missing_required | join(', ')) ~ ". It has: " ~ (found.values() | map(attribute='name') | join(', '))
            ~ ". Map them with raw_mappings: {'" ~ name ~ "': {columns: {" ~ missing_required[0] ~ ": '<file column>'}}}"
            ~ "; see the contract in models/staging/" ~ src.source_name ~ "/_" ~ src.source_name ~ "__sources.yml.") }}
    {%- endif -%}
    {%- set unread = [] -%}
    {%- for actual in found.values() -%}
        {%- if actual.name not in used -%}
            {%- do unread.append(actual.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if unread -%}
        {%- do exceptions.warn(
            "Raw table " ~ name ~ " at '" ~ location ~ "': column(s) " ~ (unread | join(', '))
            ~ " match nothing in the contract and are not read"
            ~ ((". Contract columns read as empty: " ~ (unfilled | join(', '))) if unfilled else "")
            ~ ". Map a column with raw_mappings: {'" ~ name ~ "': {columns: {<contract column>: '<file column>'}}}") -%}
    {%- endif -%}
    {{ return(matched) }}
{% endmacro %}


{#- A column name with everything but letters and digits dropped, lowercased:
    'E-mail', 'Customer ID' and 'customer_id' become 'email', 'customerid'. -#}
{% macro squeeze_column_name(column_name) %}
    {{ return(modules.re.sub('[^a-z0-9]', '', column_name | lower)) }}
{% endmacro %}


{#- A raw column as text. Engines write most scalars alike; floating-point
    specials differ (DuckDB 'nan', 'inf'; Spark 'NaN', 'Infinity'), and raw
    text feeds the rows' fingerprints, so Spark writes DuckDB's. -#}
{% macro raw_as_text(column_sql, data_type) %}
    {{ return(adapter.dispatch('raw_as_text', 'open_segments')(column_sql, data_type)) }}
{% endmacro %}


{% macro default__raw_as_text(column_sql, data_type) %}
    {{ return('cast(' ~ column_sql ~ ' as ' ~ dbt.type_string() ~ ')') }}
{% endmacro %}


{% macro spark__raw_as_text(column_sql, data_type) %}
    {%- if (data_type | string | lower) not in ('double', 'float') -%}
        {{ return(default__raw_as_text(column_sql, data_type)) }}
    {%- endif -%}
    {{ return("case when isnan(" ~ column_sql ~ ") then 'nan'"
        ~ " when " ~ column_sql ~ " = double('infinity') then 'inf'"
        ~ " when " ~ column_sql ~ " = double('-infinity') then '-inf'"
        ~ " else cast(" ~ column_sql ~ " as string) end") }}
{% endmacro %}


{#- The target's database, or none on engines with no database level (Spark). -#}
{% macro target_database() %}
    {{ return(target.database if target.database is defined else none) }}
{% endmacro %}


{#- A node's meta, whether it was written under `config:` or at the top level. -#}
{% macro node_meta(node) %}
    {%- set merged = {} -%}
    {%- do merged.update(node.meta or {}) -%}
    {%- if node.config is defined and node.config is not none and node.config.meta is defined -%}
        {%- do merged.update(node.config.meta or {}) -%}
    {%- endif -%}
    {{ return(merged) }}
{% endmacro %}


{#- False for raw types whose text form is not the value: nested types
    (struct, list, array, map, union) and binary ones, as DuckDB and Spark
    name them. -#}
{% macro is_text_readable_type(data_type) %}
    {%- set nested_or_binary = '^(STRUCT|MAP|UNION|ARRAY|LIST|BLOB|BYTEA|BINARY|VARBINARY)\\b|\\[[0-9]*\\]$|<' -%}
    {{ return(modules.re.search(nested_or_binary, (data_type | string | upper)) is none) }}
{% endmacro %}


{#- True for file locations (paths, URLs, globs); false for relation names. -#}
{% macro is_file_location(location) %}
    {{ return('/' in location or '\\' in location or location.endswith(('.parquet', '.csv', '.json', '.ndjson'))) }}
{% endmacro %}


{#-
    The raw columns at a location as {lowercased name: {name, type}} (the
    actual name and the engine's type), or none when nothing is there.
-#}
{% macro raw_columns(location) %}
    {%- if location | trim | lower == 'absent' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if is_file_location(location) -%}
        {{ return(raw_file_columns(location)) }}
    {%- endif -%}
    {#- a relation name is pasted into SQL: only plain identifiers pass -#}
    {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*){1,2}$', location) -%}
        {{ exceptions.raise_compiler_error(
            "Raw location '" ~ location ~ "' is neither a file path (with a '/' or a .parquet, .csv,"
            ~ " .json or .ndjson name) nor a relation schema.table or database.schema.table of plain"
            ~ " identifiers (letters, digits, underscores).") }}
    {%- endif -%}
    {%- set parts = location.split('.') -%}
    {%- if parts | length == 3 -%}
        {%- set relation = adapter.get_relation(database=parts[0], schema=parts[1], identifier=parts[2]) -%}
    {%- elif parts | length == 2 -%}
        {%- set relation = adapter.get_relation(database=target_database(), schema=parts[0], identifier=parts[1]) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("Raw location '" ~ location ~ "' is neither a file path nor schema.table.") }}
    {%- endif -%}
    {%- if relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = {} -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do found.update({column.name | lower: {'name': column.name, 'type': column.dtype}}) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}
