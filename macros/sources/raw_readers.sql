{#-
    Reading raw files: the columns a location holds and the FROM-clause
    expression that reads it, per engine. `stage_raw_sources` builds the
    contract views on top of these.

    On DuckDB every value is read as text, whatever the file's types, and
    nothing depends on what a sniffer guesses from the first rows:
      - CSV is read with the dialect of `raw_csv_dialect` /
        `raw_csv_dialects` (no auto-detection), after one validating scan
        that turns malformed rows into an error naming file, line and column
        (DuckDB's own error quotes the whole row, personal data included,
        into the logs);
      - NDJSON keys are listed by one scan of every record, then read as
        VARCHAR: integers of any size keep every digit (other numbers pass
        through a double: '1.10' reads '1.1'), objects and arrays become
        their JSON text, 'Z' timestamps stay as written;
      - a header that repeats a name, or names that differ only in case
        (`Email` and `email`) stop the run: whichever one a reader picked,
        the other's values would be lost.
-#}

{#- Columns of raw files at a location, or none when no file matches. -#}
{% macro raw_file_columns(location) %}
    {{ return(adapter.dispatch('raw_file_columns', 'open_segments')(location)) }}
{% endmacro %}


{% macro default__raw_file_columns(location) %}
    {{ exceptions.raise_compiler_error(
        "Reading raw files is implemented for DuckDB only; on " ~ target.type
        ~ " point `raw_location` at tables (schema.{source}_{table}).") }}
{% endmacro %}


{% macro duckdb__raw_file_columns(location) %}
    {%- set files = duckdb__raw_files(location) -%}
    {%- if not files -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set format = raw_file_format(location) -%}
    {%- set columns = [] -%}
    {%- if format == 'csv' -%}
        {%- set dialect = raw_csv_dialect(location) -%}
        {%- set names = duckdb__raw_csv_header(location, files, dialect) -%}
        {%- do duckdb__raw_csv_validate(location, names, dialect) -%}
        {%- for name in names -%}
            {%- do columns.append({'name': name, 'type': 'VARCHAR'}) -%}
        {%- endfor -%}
    {%- elif format == 'json' -%}
        {%- for key in duckdb__raw_json_keys(location, refresh=true) -%}
            {%- do columns.append({'name': key, 'type': 'VARCHAR'}) -%}
        {%- endfor -%}
    {%- else -%}
        {%- set described = run_query('describe select * from ' ~ duckdb__raw_relation_sql(location)) -%}
        {%- for row in described.rows -%}
            {%- do columns.append({'name': row['column_name'], 'type': row['column_type']}) -%}
        {%- endfor -%}
        {%- do duckdb__raw_parquet_check_names(location, columns) -%}
    {%- endif -%}
    {{ return(raw_columns_by_lowered_name(location, columns)) }}
{% endmacro %}


{% macro spark__raw_file_columns(location) %}
    {#- A path that matches no file stops the run here, with Spark's message
        naming it (see `absent` above). -#}
    {%- set described = run_query('describe query select * from ' ~ raw_relation_sql(location)) -%}
    {%- set columns = [] -%}
    {%- for row in described.rows -%}
        {%- do columns.append({'name': row['col_name'], 'type': row['data_type']}) -%}
    {%- endfor -%}
    {{ return(raw_columns_by_lowered_name(location, columns)) }}
{% endmacro %}


{#- The FROM-clause expression that reads a raw location. -#}
{% macro raw_relation_sql(location) %}
    {{ return(adapter.dispatch('raw_relation_sql', 'open_segments')(location)) }}
{% endmacro %}


{% macro default__raw_relation_sql(location) %}
    {{ return(location) }}
{% endmacro %}


{% macro duckdb__raw_relation_sql(location) %}
    {%- if not is_file_location(location) -%}
        {{ return(location) }}
    {%- endif -%}
    {%- set path = raw_reader_literal(location) -%}
    {%- set format = raw_file_format(location) -%}
    {%- if format == 'csv' -%}
        {%- set dialect = raw_csv_dialect(location) -%}
        {%- set names = duckdb__raw_csv_header(location, duckdb__raw_files(location), dialect) -%}
        {{ return('read_csv(' ~ path ~ ', ' ~ duckdb__raw_csv_options(names, dialect) ~ ')') }}
    {%- elif format == 'json' -%}
        {%- set keys = duckdb__raw_json_keys(location) -%}
        {%- if not keys -%}
            {#- Records without keys (or none at all): one row per record, no columns to read. -#}
            {{ return('read_json_objects(' ~ path ~ ', ' ~ duckdb__raw_json_format(location) ~ ')') }}
        {%- endif -%}
        {%- set columns = [] -%}
        {%- for key in keys -%}
            {%- do columns.append(raw_reader_literal(key) ~ ": 'VARCHAR'") -%}
        {%- endfor -%}
        {{ return('read_json(' ~ path ~ ', ' ~ duckdb__raw_json_format(location)
            ~ ', records = true, columns = {' ~ (columns | join(', ')) ~ '})') }}
    {%- else -%}
        {#- Several files may have drifted apart: match their columns by name. -#}
        {{ return('read_parquet(' ~ path ~ ', union_by_name = true)') }}
    {%- endif -%}
{% endmacro %}


{% macro spark__raw_relation_sql(location) %}
    {%- if not is_file_location(location) -%}
        {{ return(location) }}
    {%- endif -%}
    {%- set format = raw_file_format(location) -%}
    {%- if format == 'csv' -%}
        {{ exceptions.raise_compiler_error(
            "Raw location '" ~ location ~ "': Spark reads raw Parquet and NDJSON files here, not CSV"
            ~ " (its SQL cannot pass the header option); load the CSV into a table and point the"
            ~ " location at the table.") }}
    {%- endif -%}
    {#- A backtick inside a quoted identifier is written twice. -#}
    {{ return(format ~ '.`' ~ (location | replace('`', '``')) ~ '`') }}
{% endmacro %}


{#- 'csv', 'json' (NDJSON or a JSON array of records) or 'parquet', by the
    location's extension; anything else is read as Parquet. -#}
{% macro raw_file_format(location) %}
    {%- set lowered = location | lower -%}
    {%- if lowered.endswith(('.csv', '.csv.gz')) -%}
        {{ return('csv') }}
    {%- elif lowered.endswith(('.json', '.ndjson')) -%}
        {{ return('json') }}
    {%- endif -%}
    {{ return('parquet') }}
{% endmacro %}


{#- A text as a SQL string literal: quotes doubled, so a path such as
    /data/o'brien/*.csv is read as written and never ends the literal. -#}
{% macro raw_reader_literal(value) %}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}


{#- {lowercased name: {name, type}}; two columns whose names differ only in
    case stop the run, since a case-insensitive match could read either. -#}
{% macro raw_columns_by_lowered_name(location, columns) %}
    {%- set found = {} -%}
    {%- for column in columns -%}
        {%- set lowered = column.name | lower -%}
        {%- if lowered in found -%}
            {{ exceptions.raise_compiler_error(
                "Raw files at '" ~ location ~ "' hold both '" ~ found[lowered].name ~ "' and '" ~ column.name
                ~ "': column names must differ by more than case. Rename one in the export.") }}
        {%- endif -%}
        {%- do found.update({lowered: column}) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#- The files a location matches, sorted. -#}
{% macro duckdb__raw_files(location) %}
    {%- set listed = run_query('select file from glob(' ~ raw_reader_literal(location) ~ ') order by file') -%}
    {{ return(listed.columns[0].values() | list) }}
{% endmacro %}


{#-
    The CSV dialect of a location: `raw_csv_dialect`, overridden by the
    `raw_csv_dialects` entry of the source table read from that location.
    The readers see only the location, so the table is found by resolving
    each configured table's location as `stage_raw_sources` does.
-#}
{% macro raw_csv_dialect(location) %}
    {%- set dialect = {'delimiter': ',', 'quote': '"', 'escape': '"', 'header': true} -%}
    {%- do dialect.update(validated_csv_dialect('raw_csv_dialect', var('raw_csv_dialect', {}))) -%}
    {%- set per_table = var('raw_csv_dialects', {}) or {} -%}
    {%- if per_table is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var raw_csv_dialects must be a mapping keyed 'source.table', got: " ~ per_table) }}
    {%- endif -%}
    {%- set sources = {} -%}
    {%- for src in graph.sources.values() -%}
        {%- do sources.update({src.source_name ~ '.' ~ src.name: src}) -%}
    {%- endfor -%}
    {%- for key, override in per_table.items() -%}
        {%- set label = "raw_csv_dialects['" ~ key ~ "']" -%}
        {%- if key not in sources -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ label ~ ": no source table is named '" ~ key ~ "' (keys are 'source.table').") }}
        {%- endif -%}
        {%- set where = raw_location_of(sources[key]) -%}
        {%- set table_location = where.location if where is mapping else where -%}
        {%- if table_location == location -%}
            {%- do dialect.update(validated_csv_dialect(label, override)) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- Without quoting there is nothing to escape. -#}
    {%- if dialect.quote == '' -%}
        {%- do dialect.update({'escape': ''}) -%}
    {%- endif -%}
    {%- if dialect.delimiter in (dialect.quote, dialect.escape) -%}
        {{ exceptions.raise_compiler_error(
            "CSV dialect of '" ~ location ~ "': the delimiter cannot also be the quote or escape character"
            ~ " (vars raw_csv_dialect / raw_csv_dialects).") }}
    {%- endif -%}
    {{ return(dialect) }}
{% endmacro %}


{#- A dialect var's entries, checked: known keys, one character for the
    delimiter, at most one for quote and escape (empty: none), a boolean
    header. The error names the var. -#}
{% macro validated_csv_dialect(label, value) %}
    {%- if value is none -%}
        {{ return({}) }}
    {%- endif -%}
    {%- if value is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ label ~ " must be a mapping of delimiter, quote, escape and header, got: " ~ value) }}
    {%- endif -%}
    {%- for key, setting in value.items() -%}
        {%- if key not in ('delimiter', 'quote', 'escape', 'header') -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ label ~ ": unknown key '" ~ key ~ "' (known: delimiter, quote, escape, header).") }}
        {%- elif key == 'header' and not (setting is sameas true or setting is sameas false) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ label ~ ".header must be true or false, got: " ~ setting) }}
        {%- elif key != 'header' and (setting is not string or setting | length > 1
            or (key == 'delimiter' and setting | length != 1) or setting in ('\n', '\r')) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ label ~ "." ~ key ~ " must be "
                ~ ("one character" if key == 'delimiter' else "one character, or empty for none")
                ~ " (not a line break), got: '" ~ setting ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(value) }}
{% endmacro %}


{#- read_csv options for the dialect, with every column named and read as
    VARCHAR: with auto-detection off, no sample decides quoting or types. -#}
{% macro duckdb__raw_csv_options(names, dialect) %}
    {%- set columns = [] -%}
    {%- for name in names -%}
        {%- do columns.append(raw_reader_literal(name) ~ ": 'VARCHAR'") -%}
    {%- endfor -%}
    {{ return('auto_detect = false, header = ' ~ (dialect.header | string | lower)
        ~ ', delim = ' ~ raw_reader_literal(dialect.delimiter)
        ~ ', quote = ' ~ raw_reader_literal(dialect.quote)
        ~ ', escape = ' ~ raw_reader_literal(dialect.escape)
        ~ ', columns = {' ~ (columns | join(', ')) ~ '}') }}
{% endmacro %}


{#-
    The column names of CSV files: the header (or column0, column1, ... for
    header-less files), which every file must share, since columns are read
    by position. The first line of each file is read as one field and split
    here, because DuckDB's sniffer, which would split it, fails on files
    with malformed rows near the top without saying where.
-#}
{% macro duckdb__raw_csv_header(location, files, dialect) %}
    {%- set first_lines = [] -%}
    {%- for file in files -%}
        {%- set first = duckdb__raw_csv_first_line(file, 'false') -%}
        {%- do first_lines.append(
            'select ' ~ raw_reader_literal(file) ~ ' as file, ' ~ first ~ ' as line, coalesce(' ~ first
            ~ ' = ' ~ duckdb__raw_csv_first_line(file, 'true') ~ ', ' ~ first ~ ' is null) as first_line_skipped,'
            ~ ' (select size from read_blob(' ~ raw_reader_literal(file) ~ ')) as bytes') -%}
    {%- endfor -%}
    {%- set lines = {} -%}
    {%- for row in run_query(first_lines | join(' union all ')).rows -%}
        {%- if row['first_line_skipped'] and row['bytes'] > 0 and (dialect.header or row['line'] is none) -%}
            {{ exceptions.raise_compiler_error(
                "Raw CSV file '" ~ row['file'] ~ "' (location '" ~ location ~ "'): its first line is not valid UTF-8"
                ~ " (or the next line repeats it). Save the export as UTF-8.") }}
        {%- endif -%}
        {%- if row['line'] is not none -%}
            {%- do lines.update({row['file']: row['line']}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set ns = namespace(names=none, first_file=none) -%}
    {#- An empty file (a day without data) adds no rows and is left out. -#}
    {%- for file in files if file in lines -%}
        {%- set fields = csv_fields(lines[file], dialect) -%}
        {%- set names = [] -%}
        {%- for field in fields -%}
            {%- do names.append(field if dialect.header and field != '' else 'column' ~ loop.index0) -%}
        {%- endfor -%}
        {%- set seen = {} -%}
        {%- for name in names -%}
            {%- if name | lower in seen -%}
                {{ exceptions.raise_compiler_error(
                    "Raw CSV file '" ~ file ~ "' (location '" ~ location ~ "') has the column '" ~ name
                    ~ "' twice in its header" ~ (" (as '" ~ seen[name | lower] ~ "')" if seen[name | lower] != name else "")
                    ~ ": only one could be read. Rename one in the export.") }}
            {%- endif -%}
            {%- do seen.update({name | lower: name}) -%}
        {%- endfor -%}
        {%- if ns.names is none -%}
            {%- set ns.names = names -%}
            {%- set ns.first_file = file -%}
        {%- elif names != ns.names -%}
            {{ exceptions.raise_compiler_error(
                "Raw CSV files at '" ~ location ~ "' differ in their columns: '" ~ ns.first_file ~ "' has "
                ~ (ns.names | join(', ')) ~ "; '" ~ file ~ "' has " ~ (names | join(', '))
                ~ ". Columns are read by position: every file needs the same header.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.names is none -%}
        {{ exceptions.raise_compiler_error(
            "Raw CSV at '" ~ location ~ "' is empty: no file has a header line.") }}
    {%- endif -%}
    {{ return(ns.names) }}
{% endmacro %}


{#-
    The first line of a file that reads as UTF-8 text, whole (no delimiter or
    quote), as a scalar subquery; with `header` 'true', the first after line
    one. Lines that do not read are skipped rather than quoted in an error:
    when both give the same line, line one was skipped. Single-threaded,
    since the profile turns off preserve_insertion_order and a parallel
    scan's `limit 1` may return any line of a large file.
-#}
{% macro duckdb__raw_csv_first_line(file, header) %}
    {{ return('(select line from read_csv(' ~ raw_reader_literal(file) ~ ', auto_detect = false, header = ' ~ header
        ~ ", columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '', parallel = false,"
        ~ ' ignore_errors = true) limit 1)') }}
{% endmacro %}


{#- The fields of one CSV line in the dialect, unquoted. -#}
{% macro csv_fields(line, dialect) %}
    {%- set re = modules.re -%}
    {%- set delimiter = re.escape(dialect.delimiter) -%}
    {%- set text = line.rstrip('\r') -%}
    {%- if dialect.quote -%}
        {%- set quote = re.escape(dialect.quote) -%}
        {%- set escape = re.escape(dialect.escape or dialect.quote) -%}
        {%- set quoted = quote ~ '(?:[^' ~ quote ~ escape ~ ']|' ~ escape ~ '[' ~ quote ~ escape ~ '])*' ~ quote -%}
        {%- set pattern = '(?:^|' ~ delimiter ~ ')(' ~ quoted ~ '|[^' ~ delimiter ~ ']*)' -%}
    {%- else -%}
        {%- set pattern = '(?:^|' ~ delimiter ~ ')([^' ~ delimiter ~ ']*)' -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for field in re.findall(pattern, text) -%}
        {%- if dialect.quote and field | length > 1 and field.startswith(dialect.quote) and field.endswith(dialect.quote) -%}
            {%- set inner = field[1:-1] | replace((dialect.escape or dialect.quote) ~ dialect.quote, dialect.quote) -%}
            {%- if dialect.escape and dialect.escape != dialect.quote -%}
                {%- set inner = inner | replace(dialect.escape ~ dialect.escape, dialect.escape) -%}
            {%- endif -%}
            {%- do fields.append(inner) -%}
        {%- else -%}
            {%- do fields.append(field) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields) }}
{% endmacro %}


{#-
    Reads every row of the CSV files once, storing malformed rows in DuckDB's
    rejects tables instead of failing, and stops the run with an error built
    from their file, line, column and error type only. Reading without this
    scan, DuckDB's error quotes the malformed row, personal data included,
    and dbt writes it to the console and logs/dbt.log.
-#}
{% macro duckdb__raw_csv_validate(location, names, dialect) %}
    {#- Every column is counted: values a query does not read are not checked
        (a byte sequence that is not UTF-8 would pass a count(*)). -#}
    {%- set counts = [] -%}
    {%- for name in names -%}
        {%- do counts.append('count("' ~ (name | replace('"', '""')) ~ '")') -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists temp.main.raw_reader_rejects') -%}
    {%- do run_query('drop table if exists temp.main.raw_reader_scans') -%}
    {%- do run_query(
        'select ' ~ (counts | join(', ')) ~ ' from read_csv(' ~ raw_reader_literal(location) ~ ', '
        ~ duckdb__raw_csv_options(names, dialect)
        ~ ", store_rejects = true, rejects_table = 'raw_reader_rejects', rejects_scan = 'raw_reader_scans',"
        ~ ' rejects_limit = 100)') -%}
    {%- set rejects = run_query(
        'select scans.file_path, errors.line, errors.column_idx, errors.column_name, errors.error_type'
        ~ ' from temp.main.raw_reader_rejects as errors'
        ~ ' inner join temp.main.raw_reader_scans as scans using (scan_id, file_id)'
        ~ ' order by scans.file_path, errors.line limit 6') -%}
    {%- if rejects.rows | length > 0 -%}
        {%- set described = [] -%}
        {%- for row in rejects.rows[:5] -%}
            {%- do described.append(row['file_path'] ~ ' line ' ~ row['line'] ~ ', column '
                ~ (row['column_name'] or row['column_idx']) ~ ': ' ~ row['error_type']) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Raw CSV at '" ~ location ~ "' has rows that do not parse with the dialect (delimiter '"
            ~ dialect.delimiter ~ "', quote '" ~ dialect.quote ~ "', escape '" ~ dialect.escape ~ "', header "
            ~ (dialect.header | string | lower) ~ "): " ~ (described | join('; '))
            ~ ('; and more' if rejects.rows | length > 5 else '')
            ~ ". Values are not shown, since they may be personal data. Fix the export, or set the dialect"
            ~ " with the vars raw_csv_dialect / raw_csv_dialects.") }}
    {%- endif -%}
{% endmacro %}


{#- format = ... for DuckDB's JSON readers: `.ndjson` is one record per line;
    `.json` may also be an array of records. -#}
{% macro duckdb__raw_json_format(location) %}
    {{ return("format = 'newline_delimited'" if (location | lower).endswith('.ndjson') else "format = 'auto'") }}
{% endmacro %}


{#-
    The keys of the JSON records at a location, in order of first sight. This
    scans every record: keys a sample would miss (a field that appears late)
    would be read as null. The keys are kept in a temporary table for the
    connection, so `raw_relation_sql` after `raw_file_columns` does not scan
    again; `refresh` scans regardless. Records that are not objects, and
    objects that repeat a key (in any case), stop the run, since DuckDB's
    own errors for them quote the record.
-#}
{% macro duckdb__raw_json_keys(location, refresh=false) %}
    {%- set cache = 'raw_reader_json_keys_' ~ local_md5(location) -%}
    {%- set cached = run_query("select count(*) from duckdb_tables() where temporary and table_name = '" ~ cache ~ "'") -%}
    {%- if refresh or cached.columns[0].values()[0] == 0 -%}
        {%- set records = 'read_json_objects(' ~ raw_reader_literal(location) ~ ', ' ~ duckdb__raw_json_format(location) ~ ')' -%}
        {%- do run_query(
            'create or replace temp table ' ~ cache ~ ' as'
            ~ ' with shapes as ('
            ~ '    select json_type(json) as kind, json_keys(json) as keys, count(*) as records'
            ~ '    from ' ~ records ~ ' group by all'
            ~ ')'
            ~ " select 'not an object' as finding, kind as detail, null as position from shapes"
            ~ " where kind is distinct from 'OBJECT'"
            ~ " union all select distinct 'repeated key', array_to_string(keys, ', '), null from shapes"
            ~ ' where len(list_distinct(list_transform(keys, k -> lower(k)))) < len(keys)'
            ~ " union all select 'key', key, min(position) from ("
            ~ '    select unnest(keys) as key, generate_subscripts(keys, 1) as position from shapes'
            ~ ") group by key") -%}
    {%- endif -%}
    {%- set findings = run_query('select finding, detail from ' ~ cache ~ " where finding <> 'key'") -%}
    {%- for row in findings.rows -%}
        {%- if row['finding'] == 'not an object' -%}
            {{ exceptions.raise_compiler_error(
                "Raw JSON at '" ~ location ~ "' holds a record that is not an object (a JSON "
                ~ (row['detail'] or 'null') ~ "), first " ~ duckdb__raw_json_first_non_object(location)
                ~ ". Every record must be an object of fields.") }}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "Raw JSON at '" ~ location ~ "' has a record that repeats a key (its keys: " ~ row['detail']
                ~ "): keys must be unique, in any case. Fix the export.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set keys = run_query('select detail from ' ~ cache ~ " where finding = 'key' order by position, detail") -%}
    {{ return(keys.columns[0].values() | list) }}
{% endmacro %}


{#- The first file holding a record that is not an object, for the error;
    reads the files again, only on that error. -#}
{% macro duckdb__raw_json_first_non_object(location) %}
    {%- set found = run_query(
        'select min(filename) from read_json_objects(' ~ raw_reader_literal(location) ~ ', '
        ~ duckdb__raw_json_format(location) ~ ", filename = true) where json_type(json) is distinct from 'OBJECT'") -%}
    {{ return("in file '" ~ found.columns[0].values()[0] ~ "'") }}
{% endmacro %}


{#-
    Parquet columns cannot repeat a name, but can differ only in case
    (`Email`, `email`); DuckDB then renames the second (`email_1`). A
    described name that no file's schema holds is such a rename.
-#}
{% macro duckdb__raw_parquet_check_names(location, columns) %}
    {%- set schema = run_query('select distinct name from parquet_schema(' ~ raw_reader_literal(location) ~ ')') -%}
    {%- set names = schema.columns[0].values() | list -%}
    {%- for column in columns -%}
        {%- if column.name not in names -%}
            {%- set base = modules.re.sub('_[0-9]+$', '', column.name) | lower -%}
            {%- set spellings = [] -%}
            {#- sorted: distinct names come back in no fixed order -#}
            {%- for name in names | sort(case_sensitive=true) if name | lower == base -%}
                {%- do spellings.append("'" ~ name ~ "'") -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Raw Parquet at '" ~ location ~ "' holds the columns " ~ (spellings | join(' and '))
                ~ " in one file: column names must differ by more than case. Rename one in the export.") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
