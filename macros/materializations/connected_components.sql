{#-
    Materialization `connected_components`: a table of the connected
    components of the graph the model's query describes.

    The model's query is the graph, one row per node and one per edge:

        {{ config(
            materialized='connected_components',
            node_column='record_id',             -- names a node on every row
            neighbour_column='linked_record_id', -- null: the row declares the node;
                                                 -- set: an edge between the two
            max_rounds=50,
        ) }}

    The table has one row per declared node: `<node_column>`, `component_id`
    (the smallest node id of its component, so it does not depend on the
    order of the work) and `component_size` (nodes in the component). An edge
    to a node that is not declared links the nodes it joins but gives that
    node no row.

    Components need rounds of label propagation until no label changes
    (macros/identity/connected_components.sql), a loop of queries a single
    select cannot express on every engine: a materialization is where dbt
    runs statements while it builds a model. So `dbt compile`, `dbt show`,
    `dbt docs generate` and unit tests see the model's query (the graph)
    and touch nothing, and `dbt build --empty` writes the empty table
    without rounds. Work tables (`<model>__numbers`, ...) live only while the
    model builds: temporary tables of the session where the engine has them
    as tables (connected_components_work_is_temporary), dropped afterwards.

    The table is rebuilt on every run, as `table` rebuilds it, so
    `--full-refresh` changes nothing: it is built beside the old one
    (`<model>__dbt_tmp`) and swapped in at the end, so readers see the old
    table until the new one is complete. Hooks, grants and docs are applied
    as `table` applies them.
-#}
{% materialization connected_components, default %}
    {%- set node_column = config.require('node_column') -%}
    {%- set neighbour_column = config.require('neighbour_column') -%}
    {%- set max_rounds = config.get('max_rounds', 50) | int -%}
    {%- set grant_config = config.get('grants') -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {#- Spelled out rather than make_intermediate_relation(): that one is a
        schema-less temporary name on Spark. -#}
    {%- set intermediate_relation = target_relation.incorporate(
        path={'identifier': target_relation.identifier ~ '__dbt_tmp'}) -%}
    {%- set backup_relation = target_relation.incorporate(
        path={'identifier': target_relation.identifier ~ '__dbt_backup'},
        type=('table' if existing_relation is none else existing_relation.type)) -%}
    {%- set work = connected_components_work_relations(target_relation) -%}

    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if flags.EMPTY -%}
        {#- The graph is empty (dbt read its inputs with `limit 0`): no rounds. -#}
        {%- set result_sql = connected_components_result(sql, node_column, neighbour_column, none) -%}
    {%- else -%}
        {%- do connected_components_rounds(sql, node_column, neighbour_column, work, max_rounds) -%}
        {%- set result_sql = connected_components_result(sql, node_column, neighbour_column, work) -%}
    {%- endif -%}

    {% call statement('main') -%}
        {{ create_table_as(False, intermediate_relation, result_sql) }}
    {%- endcall %}

    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}

    {% do apply_grants(target_relation, grant_config,
        should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) %}
    {% do persist_docs(target_relation, model) %}

    {{ adapter.commit() }}

    {{ drop_relation_if_exists(backup_relation) }}
    {%- if not flags.EMPTY -%}
        {%- do drop_connected_components_work(work) -%}
    {%- endif -%}

    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
