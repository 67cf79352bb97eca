{#-
    DuckDB's memory limit for the build (on-run-start). DuckDB's own default
    is 80% of the machine's memory for DuckDB alone, but the build's dbt
    Python models (the ML stage, the match-weight estimation) run in the same
    process and allocate outside it. The project's default is half the
    machine's memory: a query that needs more spills to the temporary folder
    beside the warehouse file instead of growing. SEGMENTS_DUCKDB_MEMORY_LIMIT
    sets another limit ('6GiB', '4000MB'), and a `memory_limit` in the
    profile's `settings` wins over both (dbt-duckdb applies those to every
    connection it opens); the build log says which applies.

    The half is taken of DuckDB's default, read after a RESET, so a second
    run in the same process does not halve it again.
-#}
{% macro set_duckdb_memory_limit() %}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set profile_settings = target.get('settings') or {} -%}
    {%- if 'memory_limit' in profile_settings -%}
        {%- do log("DuckDB memory limit: " ~ profile_settings['memory_limit'] ~ " (the profile's settings)", info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set wanted = env_var('SEGMENTS_DUCKDB_MEMORY_LIMIT', '') | trim -%}
    {%- if wanted -%}
        {%- if not modules.re.fullmatch('[0-9]+([.][0-9]+)? ?([KMGT]i?B)', wanted) -%}
            {{ exceptions.raise_compiler_error(
                "SEGMENTS_DUCKDB_MEMORY_LIMIT must be a size such as '6GiB' or '4000MB', got '"
                ~ wanted ~ "'") }}
        {%- endif -%}
        {%- set limit = wanted | replace(' ', '') -%}
        {%- set why = 'SEGMENTS_DUCKDB_MEMORY_LIMIT' -%}
    {%- else -%}
        {%- do run_query('reset memory_limit') -%}
        {%- set duckdb_default = run_query("select current_setting('memory_limit')").columns[0].values()[0] -%}
        {%- set parts = modules.re.fullmatch('([0-9.]+) ?([KMGT]i?B|bytes)', duckdb_default | trim) -%}
        {%- if parts is none -%}
            {%- do log("DuckDB memory limit: " ~ duckdb_default ~ " (DuckDB's default; its size could not be read)", info=true) -%}
            {{ return('') }}
        {%- endif -%}
        {%- set factors = {'bytes': 1, 'KB': 1000, 'MB': 1000 ** 2, 'GB': 1000 ** 3, 'TB': 1000 ** 4,
                           'KiB': 1024, 'MiB': 1024 ** 2, 'GiB': 1024 ** 3, 'TiB': 1024 ** 4} -%}
        {#- DuckDB's default is 80% of the machine: 5/8 of it is half. -#}
        {%- set mebibytes = (parts.group(1) | float) * factors[parts.group(2)] * 5 / 8 / 1024 ** 2 -%}
        {%- set limit = (mebibytes | int) ~ 'MiB' -%}
        {%- set why = "half of this machine's memory; SEGMENTS_DUCKDB_MEMORY_LIMIT sets another" -%}
    {%- endif -%}
    {%- do run_query("set memory_limit = '" ~ limit ~ "'") -%}
    {%- do log("DuckDB memory limit: " ~ limit ~ " (" ~ why ~ ")", info=true) -%}
    {{ return('') }}
{% endmacro %}
