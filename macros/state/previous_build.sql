{#- The calling model's table as the previous build left it, for models that
    carry state from run to run (stable profile ids, membership history).
    None on the first build, under --full-refresh and while parsing.

    DuckDB builds the new table beside the old one and swaps them, so the
    model can read its own table. Spark drops the table before creating the
    new one: there, a run first copies it to `<model>__previous` and the
    model reads the copy (kept until the next run: a backup of the state). -#}
{% macro previous_build() %}
    {%- if execute and not flags.FULL_REFRESH -%}
        {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
        {%- if relation is not none and flags.WHICH in ('run', 'build', 'retry') -%}
            {{ return(adapter.dispatch('previous_build_copy', 'open_segments')(relation)) }}
        {%- endif -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro default__previous_build_copy(relation) %}
    {{ return(relation) }}
{% endmacro %}


{% macro spark__previous_build_copy(relation) %}
    {%- set copy = relation.incorporate(path={'identifier': relation.identifier ~ '__previous'}) -%}
    {%- do adapter.drop_relation(copy) -%}
    {%- do run_query(create_table_as(false, copy, 'select * from ' ~ relation)) -%}
    {{ return(copy) }}
{% endmacro %}
