{#-
    The build log: what `open_segments.publish` reads to ship only a whole,
    finished build. Every dbt invocation that can write to the warehouse
    (build, run, seed, snapshot, retry, clone) adds a 'started' row in an
    on-run-start hook and a 'finished' row in an on-run-end hook, both keyed
    by dbt's invocation_id (the build id). A killed build leaves its
    'started' row without a 'finished' one, so publishing refuses until a
    later build finishes.

    Rows are only ever inserted (Spark's parquet tables here take no UPDATE
    or DELETE), into `meta.build_log` (SEGMENTS_SCHEMA_PREFIX applies, as to
    every schema). The warehouse's clock stamps them, so the order of the
    rows is the order of the invocations on that warehouse.
-#}

{#- The commands whose runs can rewrite tables (flags.WHICH). -#}
{% macro build_log_commands() %}
    {{ return(['build', 'run', 'seed', 'snapshot', 'retry', 'clone']) }}
{% endmacro %}


{% macro build_log_relation() %}
    {{ return(api.Relation.create(
        database=target_database(),
        schema=generate_schema_name('meta', none),
        identifier='build_log',
        type='table')) }}
{% endmacro %}


{#- on-run-start (after validate_vars): the build has started. The row is
    written while the hook renders, not returned as the hook's SQL: a hook
    whose SQL fails lets dbt run the nodes all the same, and a build must
    never rewrite a table unlogged, whereas an error here stops the run. -#}
{% macro record_build_start() %}
    {%- if not execute or flags.WHICH not in build_log_commands() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set relation = build_log_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    {%- do run_query(adapter.dispatch('create_build_log', 'open_segments')(relation)) -%}
    {%- do run_query(build_log_row(relation, 'started', none, none, none)) -%}
    {{ return('') }}
{% endmacro %}


{#- on-run-end: the build has finished; 'success' only if every node and
    test in `results` passed (a test at severity warn passes with a warning,
    as dbt's exit code says). -#}
{% macro record_build_end(results) %}
    {%- if not execute or flags.WHICH not in build_log_commands() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set passed = ['success', 'pass', 'warn', 'no-op'] -%}
    {%- set not_passed = [] -%}
    {%- for result in results -%}
        {%- if (result.status | string | lower) not in passed -%}
            {%- do not_passed.append(result) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set status = 'success' if not not_passed else 'error' -%}
    {%- set relation = build_log_relation() -%}
    {#- the start hook may have failed before creating it -#}
    {%- do adapter.create_schema(relation) -%}
    {%- do run_query(adapter.dispatch('create_build_log', 'open_segments')(relation)) -%}
    {{ return(build_log_row(relation, 'finished', status, results | length, not_passed | length)) }}
{% endmacro %}


{% macro build_log_row(relation, event, status, nodes, not_passed) -%}
    insert into {{ relation }}
    select
        '{{ invocation_id }}',
        '{{ event }}',
        '{{ flags.WHICH }}',
        {{ "'" ~ status ~ "'" if status is not none else 'cast(null as ' ~ dbt.type_string() ~ ')' }},
        cast({{ nodes if nodes is not none else 'null' }} as {{ dbt.type_int() }}),
        cast({{ not_passed if not_passed is not none else 'null' }} as {{ dbt.type_int() }}),
        {{ utc_now() }}
{%- endmacro %}


{% macro default__create_build_log(relation) -%}
    create table if not exists {{ relation }} (
        invocation_id {{ dbt.type_string() }},
        event {{ dbt.type_string() }},
        command {{ dbt.type_string() }},
        status {{ dbt.type_string() }},
        nodes {{ dbt.type_int() }},
        nodes_not_passed {{ dbt.type_int() }},
        recorded_at {{ dbt.type_timestamp() }}
    )
{%- endmacro %}


{% macro spark__create_build_log(relation) -%}
    {{ default__create_build_log(relation) }} using parquet
{%- endmacro %}
