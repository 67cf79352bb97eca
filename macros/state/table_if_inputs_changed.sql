{#-
    Materialization `table_if_inputs_changed`: a table that a run rebuilds
    only when something it is built from changed since its last build, and
    otherwise keeps as it is.

    What it is built from is summed up in a fingerprint: the model's compiled
    SQL, its config and columns, and a checksum of the contents of every
    relation it reads (its sources, seeds and models: `depends_on`). The
    fingerprint of the last build is kept in a one-row table beside the
    model, `<model>__inputs_fingerprint`. A run compares the two: equal, the
    model is reused (dbt reports "REUSED: inputs unchanged" and nothing is
    written); different, missing, or under `--full-refresh`, the model is
    built exactly as `table` builds it.

    It suits models whose inputs are cheap to read next to what the model
    does with them, and that do not read the clock: the base models of the
    sources that do not change every day (CRM, email platform, third party,
    privacy): a checksum only reads the raw rows, where staging parses,
    normalizes and writes every one of them.

    Crash safety: the stored fingerprint is dropped before the build starts
    and written again only after the table is committed, so a run killed at
    any point leaves either the old table with its fingerprint or a table
    without one, which the next run rebuilds.

    An engine with no `relation_checksum` (dispatched; DuckDB and Spark have
    one) always rebuilds.
-#}

{% materialization table_if_inputs_changed, adapter='duckdb' %}
    {{ return(build_table_if_inputs_changed(materialization_table_duckdb)) }}
{% endmaterialization %}

{% materialization table_if_inputs_changed, adapter='spark' %}
    {{ return(build_table_if_inputs_changed(materialization_table_spark)) }}
{% endmaterialization %}

{% materialization table_if_inputs_changed, default %}
    {{ return(build_table_if_inputs_changed(materialization_table_default)) }}
{% endmaterialization %}


{#- The materialization's body; `build_table` is the engine's `table`
    materialization, called unchanged when the model must be built. -#}
{% macro build_table_if_inputs_changed(build_table) %}
    {%- set state_relation = inputs_fingerprint_relation(this) -%}
    {%- set fingerprint = inputs_fingerprint() -%}
    {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}

    {%- if fingerprint is not none and existing is not none and not should_full_refresh() -%}
        {%- if stored_inputs_fingerprint(state_relation) == fingerprint -%}
            {%- do store_raw_result(name='main', message='REUSED: inputs unchanged', code='REUSED', rows_affected=-1) -%}
            {{ return({'relations': [this.incorporate(type='table')]}) }}
        {%- endif -%}
    {%- endif -%}

    {%- do adapter.drop_relation(state_relation) -%}
    {%- set result = build_table() -%}
    {%- if fingerprint is not none -%}
        {#- plain SQL: `create_table_as` would apply the model's contract -#}
        {%- do run_query('create table ' ~ state_relation
            ~ " as select '" ~ fingerprint ~ "' as inputs_fingerprint") -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {{ return(result) }}
{% endmacro %}


{#- Where a model's last fingerprint is kept: a one-row table beside it. -#}
{% macro inputs_fingerprint_relation(relation) %}
    {{ return(api.Relation.create(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier ~ '__inputs_fingerprint',
        type='table')) }}
{% endmacro %}


{#- The fingerprint the last completed build stored, or none. -#}
{% macro stored_inputs_fingerprint(state_relation) %}
    {%- if adapter.get_relation(state_relation.database, state_relation.schema, state_relation.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set stored = run_query('select inputs_fingerprint from ' ~ state_relation) -%}
    {{ return(stored.columns[0].values()[0] if stored.rows | length == 1 else none) }}
{% endmacro %}


{#- The calling model's fingerprint (an md5 in hex), or none when an input
    cannot be checksummed (an ephemeral model, or an engine without
    `relation_checksum`). -#}
{% macro inputs_fingerprint() %}
    {%- set parts = [
        'sql ' ~ local_md5(model.compiled_code),
        'config ' ~ local_md5(tojson(model.config, sort_keys=true)),
        'columns ' ~ local_md5(tojson(model.columns, sort_keys=true)),
    ] -%}
    {%- for unique_id in model.depends_on.nodes | sort -%}
        {%- set node = graph.sources.get(unique_id) or graph.nodes.get(unique_id) -%}
        {#- an ephemeral model has no table to read: nothing to checksum -#}
        {%- if node.config.materialized == 'ephemeral' -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set checksum_sql = relation_checksum(api.Relation.create(
            database=node.database, schema=node.schema, identifier=node.alias or node.identifier)) -%}
        {%- if checksum_sql is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set checksum = run_query(checksum_sql) -%}
        {%- do parts.append(unique_id ~ ' ' ~ checksum.rows[0].values() | join(' ')) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}


{#-
    A one-row query that sums up a relation's contents: its row count and
    the sum of a 64-bit hash of each whole row. Any change of a value, a
    row added or removed, or a duplicate more or less changes it (up to a
    hash collision, about one chance in 2^64 per change). Order does not
    matter. None on engines with no 64-bit row hash.
-#}
{% macro relation_checksum(relation) %}
    {{- return(adapter.dispatch('relation_checksum', 'open_segments')(relation)) -}}
{% endmacro %}

{% macro default__relation_checksum(relation) %}
    {{- return(none) -}}
{% endmacro %}

{#- DuckDB's `hash` of the row as a struct: every column, nulls by position. -#}
{% macro duckdb__relation_checksum(relation) %}
    {{- return(
        'select count(*) as row_count, coalesce(sum(hash(checksummed)), 0) as hash_sum'
        ~ ' from ' ~ relation ~ ' as checksummed') -}}
{% endmacro %}

{#- Spark's `xxhash64` skips null arguments, so each column is hashed as
    its text followed by whether it is null: a null and the text '<null>'
    differ, and a value moved into a neighbouring null column still changes
    the hash. -#}
{% macro spark__relation_checksum(relation) %}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- set hashed = [] -%}
    {%- for column in columns -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- do hashed.append('cast(' ~ quoted ~ ' as string), ' ~ quoted ~ ' is null') -%}
    {%- endfor -%}
    {{- return(
        'select count(*) as row_count, coalesce(sum(cast(xxhash64(' ~ (hashed | join(', ')) ~ ')'
        ~ ' as decimal(38, 0))), 0) as hash_sum from ' ~ relation) -}}
{% endmacro %}
