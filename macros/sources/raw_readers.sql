{#-
    Reading raw files: the columns a location holds and the FROM-clause
    expression that reads it, per engine. `stage_raw_sources` builds the
    contract views on top of these.
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
    {%- set matches = run_query("select count(*) from glob(" ~ dbt.string_literal(location) ~ ")") -%}
    {%- if matches.columns[0].values()[0] == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set described = run_query('describe select * from ' ~ raw_relation_sql(location)) -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
        {%- do found.update({row['column_name'] | lower: {'name': row['column_name'], 'type': row['column_type']}}) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{% macro spark__raw_file_columns(location) %}
    {#- A path that matches no file stops the run here, with Spark's message
        naming it (see `absent` above). -#}
    {%- set described = run_query('describe query select * from ' ~ raw_relation_sql(location)) -%}
    {%- set found = {} -%}
    {%- for row in described.rows -%}
        {%- do found.update({row['col_name'] | lower: {'name': row['col_name'], 'type': row['data_type']}}) -%}
    {%- endfor -%}
    {{ return(found) }}
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
    {%- set path = dbt.string_literal(location) -%}
    {%- set lowered = location | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') -%}
        {{ return('read_csv(' ~ path ~ ', header = true, all_varchar = true)') }}
    {%- elif lowered.endswith('.json') or lowered.endswith('.ndjson') -%}
        {{ return('read_json_auto(' ~ path ~ ')') }}
    {%- else -%}
        {#- Several files may have drifted apart: match their columns by name. -#}
        {{ return('read_parquet(' ~ path ~ ', union_by_name = true)') }}
    {%- endif -%}
{% endmacro %}


{% macro spark__raw_relation_sql(location) %}
    {%- if not is_file_location(location) -%}
        {{ return(location) }}
    {%- endif -%}
    {%- set lowered = location | lower -%}
    {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') -%}
        {{ exceptions.raise_compiler_error(
            "Raw location '" ~ location ~ "': Spark reads raw Parquet and NDJSON files here, not CSV"
            ~ " (its SQL cannot pass the header option); load the CSV into a table and point the"
            ~ " location at the table.") }}
    {%- elif lowered.endswith('.json') or lowered.endswith('.ndjson') -%}
        {{ return('json.`' ~ location ~ '`') }}
    {%- else -%}
        {{ return('parquet.`' ~ location ~ '`') }}
    {%- endif -%}
{% endmacro %}
