{#-
    Connected components of an undirected graph, in SQL, iterated until
    nothing changes.

    Nodes with an edge are numbered once (`<this>__numbers`) so that the rounds
    join and compare integers; nodes without an edge are singletons and never
    enter the rounds. Every node starts with its own number as its label. Each
    round is semi-naive: only the nodes whose label changed in the previous
    round (`<this>__frontier`; every node in the first round) offer their label
    to their neighbours, a neighbour takes the smallest label offered when it
    is smaller than its own, and then jumps to the label of its new label
    (pointer jumping, which shortens long chains). The rounds end when no
    label changes. Labels only ever fall, and every node whose label fell has
    offered it to all its neighbours, so at that point every edge joins two
    nodes of the same label: the result holds whatever the chain length (the
    singular test assert_identity_edges_within_one_component checks it
    independently). Work tables are named after the model (temporary tables of
    the session where the engine keeps them as tables: see
    connected_components_work_is_temporary); drop them with
    drop_connected_components_work() in a post-hook.

    Arguments: `nodes` (relation) with the string column `node_column`;
    `edges` (relation) with columns `left_column` and `right_column` naming
    nodes. Returns a query with `node_column`, `component_id` (the smallest
    node id of the component, so the result does not depend on the numbering)
    and `component_size` (nodes in the component).
-#}
{% macro connected_components(nodes, node_column, edges, left_column, right_column) %}
    {%- set work = connected_components_work_relations() -%}
    {#- Only a run iterates: parsing, `dbt compile`, docs and linters get the
        final query without touching the warehouse. -#}
    {%- if not execute or flags.WHICH not in ('run', 'build', 'retry') -%}
        {{ return(connected_components_result(nodes, node_column, work)) }}
    {%- endif -%}
    {%- set max_rounds = var('identity_max_component_rounds') -%}
    {%- set work_temporary = connected_components_work_is_temporary() -%}
    {%- for relation in work.values() -%}
        {%- do adapter.drop_relation(relation) -%}
    {%- endfor -%}

    {#- Any numbering will do: labels are turned back into the smallest node id. -#}
    {%- set numbered_nodes -%}
        select
            node,
            {{ unordered_row_number("node") }} as node_number
        from (
            select {{ left_column }} as node from {{ edges }}
            union
            select {{ right_column }} as node from {{ edges }}
        ) as linked_nodes
    {%- endset -%}
    {%- do run_query(create_table_as(work_temporary, work.numbers, numbered_nodes)) -%}

    {#- Both directions of every edge, written once and read every round. -#}
    {%- set directed_edges -%}
        with numbered_edges as (
            select
                left_numbers.node_number as left_number,
                right_numbers.node_number as right_number
            from {{ edges }} as edges
            inner join {{ work.numbers }} as left_numbers
                on edges.{{ left_column }} = left_numbers.node
            inner join {{ work.numbers }} as right_numbers
                on edges.{{ right_column }} = right_numbers.node
        )

        select left_number as node, right_number as neighbour from numbered_edges
        union all
        select right_number as node, left_number as neighbour from numbered_edges
    {%- endset -%}
    {%- do run_query(create_table_as(work_temporary, work.edges, directed_edges)) -%}
    {%- set initial_labels = 'select node_number as node, node_number as label from ' ~ work.numbers -%}
    {%- do run_query(create_table_as(work_temporary, work.labels, initial_labels)) -%}
    {%- do run_query(create_table_as(work_temporary, work.frontier, initial_labels)) -%}

    {%- for round in range(1, max_rounds + 1) -%}
        {%- set changes -%}
            with offered as (
                select
                    directed_edges.neighbour as node,
                    min(frontier.label) as label
                from {{ work.frontier }} as frontier
                inner join {{ work.edges }} as directed_edges
                    on frontier.node = directed_edges.node
                group by directed_edges.neighbour
            ),

            lowered as (
                select
                    offered.node,
                    offered.label
                from offered
                inner join {{ work.labels }} as labels
                    on offered.node = labels.node
                where offered.label < labels.label
            )

            select
                lowered.node,
                case
                    when jumped.label < lowered.label then jumped.label
                    else lowered.label
                end as label
            from lowered
            left join {{ work.labels }} as jumped
                on lowered.label = jumped.node
        {%- endset -%}
        {%- do run_query(create_table_as(work_temporary, work.next_frontier, changes)) -%}
        {%- do adapter.drop_relation(work.frontier) -%}
        {%- do adapter.rename_relation(work.next_frontier, work.frontier) -%}
        {%- set changed = run_query('select count(*) from ' ~ work.frontier).columns[0].values()[0] -%}
        {{ log('connected_components: round ' ~ round ~ ', ' ~ changed ~ ' labels changed') }}
        {%- if changed == 0 -%}
            {{ return(connected_components_result(nodes, node_column, work)) }}
        {%- endif -%}
        {%- set updated_labels -%}
            select
                labels.node,
                coalesce(frontier.label, labels.label) as label
            from {{ work.labels }} as labels
            left join {{ work.frontier }} as frontier
                on labels.node = frontier.node
        {%- endset -%}
        {%- do run_query(create_table_as(work_temporary, work.next_labels, updated_labels)) -%}
        {%- do adapter.drop_relation(work.labels) -%}
        {%- do adapter.rename_relation(work.next_labels, work.labels) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'connected_components: labels still changing after ' ~ max_rounds
        ~ ' rounds (var identity_max_component_rounds); raise it for graphs with very long chains') }}
{% endmacro %}


{#- The result of connected_components(): every node with the smallest node id
    of its component and the component's size, read from the work tables
    after the last round. -#}
{% macro connected_components_result(nodes, node_column, work) %}
    with linked as (
        select
            numbers.node,
            labels.label
        from {{ work.numbers }} as numbers
        inner join {{ work.labels }} as labels
            on numbers.node_number = labels.node
    ),

    components as (
        select
            label,
            min(node) as component_id,
            count(*) as component_size
        from linked
        group by label
    ),

    linked_components as (
        select
            linked.node,
            components.component_id,
            components.component_size
        from linked
        inner join components
            on linked.label = components.label
    )

    select
        nodes.{{ node_column }},
        coalesce(linked_components.component_id, nodes.{{ node_column }}) as component_id,
        coalesce(linked_components.component_size, 1) as component_size
    from {{ nodes }} as nodes
    left join linked_components
        on nodes.{{ node_column }} = linked_components.node
{% endmacro %}


{#- The work tables of connected_components(), named after the model. -#}
{% macro connected_components_work_relations() -%}
    {%- set work = {} -%}
    {%- for name in ['numbers', 'edges', 'labels', 'next_labels', 'frontier', 'next_frontier'] -%}
        {%- set relation = this.incorporate(path={'identifier': this.identifier ~ '__' ~ name}, type='table') -%}
        {%- if connected_components_work_is_temporary() -%}
            {%- set relation = relation.include(database=false, schema=false) -%}
        {%- endif -%}
        {%- do work.update({name: relation}) -%}
    {%- endfor -%}
    {{ return(work) }}
{%- endmacro %}


{#- Post-hook: drop the work tables of connected_components() (one statement
    each, as engines such as Spark take no batches; the hook itself is empty). -#}
{% macro drop_connected_components_work() -%}
    {%- if execute -%}
        {%- for relation in connected_components_work_relations().values() -%}
            {%- do adapter.drop_relation(relation) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{#- Whether the work tables are temporary tables of the session. On DuckDB they
    are: they live in memory and are never compressed and written to the
    warehouse file, a write every round would otherwise pay. Elsewhere a
    temporary table may be a view (Spark), which every round would recompute,
    so they are ordinary tables. -#}
{% macro connected_components_work_is_temporary() -%}
    {{ return(adapter.dispatch('connected_components_work_is_temporary', 'open_segments')()) }}
{%- endmacro %}

{% macro default__connected_components_work_is_temporary() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__connected_components_work_is_temporary() -%}
    {{ return(true) }}
{%- endmacro %}
