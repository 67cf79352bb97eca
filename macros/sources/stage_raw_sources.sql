{#-
    Conform the raw data to the documented contract before anything reads it.

    For every source table declared in a `_<source>__sources.yml` under the
    `raw_contract_schema`, this (re)creates one view that selects exactly the
    contract's columns, as text, from wherever the data lives:

      - `raw_locations['source.table']`, else `raw_location` (var or the
        SEGMENTS_RAW_LOCATION environment variable), with `{source}` and
        `{table}` filled in; a file pattern (Parquet, CSV, NDJSON; globs
        allowed) or a relation (`schema.table`, `database.schema.table`);
      - a contract column that the data lacks is read as null, unless the
        column is `required` (then the run stops, naming source and column);
      - a contract column whose raw type cannot be read as text (a struct,
        list, map or binary: the export changed shape) stops the run, naming
        source, column and type; scalar types of any kind are read as text
        and parsed by staging;
      - extra columns are ignored, names match case-insensitively;
      - a missing table is read as empty, unless the table is `required`
        (Spark cannot look for files from SQL: there, declare a source
        that has no data with the location `absent`).

    Staging models then read `source()` as usual, unit tests get fixtures
    with the contract's columns, and a user points the project at new data by
    configuration only. Runs as the project's on-run-start hook.
-#}
{% macro stage_raw_sources() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set contract_schema = var('raw_contract_schema', 'raw_contract') -%}
    {%- do adapter.create_schema(api.Relation.create(database=target_database(), schema=contract_schema)) -%}
    {%- set staged = [] -%}
    {%- for src in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if src.package_name == project_name and src.schema == contract_schema -%}
            {%- do staged.append(stage_raw_source(src)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do log('Raw contract views: ' ~ (staged | join('; ')), info=true) -%}
    {{ return('') }}
{% endmacro %}


{#- Creates the contract view of one source table; returns a one-line status. -#}
{% macro stage_raw_source(src) %}
    {%- set name = src.source_name ~ '.' ~ src.name -%}
    {%- set location = raw_location_of(src) -%}
    {%- set table_meta = node_meta(src) -%}
    {%- set found = raw_columns(location) -%}
    {%- set view = api.Relation.create(database=target_database(), schema=src.schema, identifier=src.identifier, type='view') -%}

    {%- if found is none -%}
        {%- if table_meta.get('required', false) -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ name ~ " is required but nothing was found at '" ~ location
                ~ "'. Point the `raw_location` var (or SEGMENTS_RAW_LOCATION) at your data, "
                ~ "or set raw_locations: {'" ~ name ~ "': '...'}.") }}
        {%- endif -%}
        {%- set select_list = [] -%}
        {%- for column in src.columns.values() -%}
            {%- do select_list.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endfor -%}
        {%- set body = 'select ' ~ (select_list | join(', ')) ~ ' where 1 = 0' -%}
        {%- set status = name ~ ': absent, read as empty' -%}
    {%- else -%}
        {%- set missing_required = [] -%}
        {%- set select_list = [] -%}
        {%- for column in src.columns.values() -%}
            {%- set actual = found.get(column.name | lower) -%}
            {%- if actual is not none and not is_text_readable_type(actual.type) -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ name ~ " at '" ~ location ~ "': column " ~ column.name ~ " has type "
                    ~ actual.type ~ ", which cannot be read as text (the contract expects a scalar:"
                    ~ " text, number, date or timestamp). The export changed shape; flatten the column"
                    ~ " or point raw_locations['" ~ name ~ "'] at a conforming copy.") }}
            {%- endif -%}
            {%- if actual is not none -%}
                {%- do select_list.append(raw_as_text(adapter.quote(actual.name), actual.type) ~ ' as ' ~ column.name) -%}
            {%- elif node_meta(column).get('required', false) -%}
                {%- do missing_required.append(column.name) -%}
            {%- else -%}
                {%- do select_list.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing_required -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ name ~ " at '" ~ location ~ "' lacks required column(s): "
                ~ (missing_required | join(', ')) ~ ". It has: " ~ (found.values() | map(attribute='name') | join(', '))
                ~ ". See the contract in models/staging/" ~ src.source_name ~ "/_" ~ src.source_name ~ "__sources.yml.") }}
        {%- endif -%}
        {%- set body = 'select ' ~ (select_list | join(', ')) ~ ' from ' ~ raw_relation_sql(location) -%}
        {%- set status = name ~ ': ' ~ location -%}
    {%- endif -%}

    {%- do run_query('create or replace view ' ~ view ~ ' as ' ~ body) -%}
    {{ return(status) }}
{% endmacro %}


{#- Where one source table's raw data lives, from the vars described above. -#}
{% macro raw_location_of(src) %}
    {%- set overrides = var('raw_locations', {}) or {} -%}
    {%- set key = src.source_name ~ '.' ~ src.name -%}
    {%- set template = overrides.get(key)
        or var('raw_location', none)
        or env_var('SEGMENTS_RAW_LOCATION', 'data/raw/{source}_{table}.parquet') -%}
    {{ return(template | replace('{source}', src.source_name) | replace('{table}', src.name)) }}
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
