{#-
    Connected components of an undirected graph, in SQL, iterated until
    nothing changes: the work of the `connected_components` materialization
    (macros/materializations/connected_components.sql), which calls these
    macros while it builds a model and never while dbt compiles one.

    The graph is the model's query: every row names a node (`node_column`);
    a row whose `neighbour_column` is null declares the node, one whose
    neighbour is set is an edge between the two. The result has one row per
    declared node.

    Nodes with an edge are numbered once (`<model>__numbers`) so that the
    rounds join and compare integers; nodes without an edge are singletons and
    never enter the rounds. Every node starts with its own number as its
    label. Each round is semi-naive: only the nodes whose label changed in the
    previous round (`<model>__frontier`; every node in the first round) offer
    their label to their neighbours, a neighbour takes the smallest label
    offered when it is smaller than its own, and then jumps to the label of
    its new label (pointer jumping, which shortens long chains). The rounds end
    when no label changes. Labels only ever fall, and every node whose label
    fell has offered it to all its neighbours, so at that point every edge
    joins two nodes of the same label: the result holds whatever the chain
    length (the singular test assert_identity_edges_within_one_component
    checks it independently).
-#}

{#- The graph query's edges: one row per row of the graph with a neighbour,
    as (node, neighbour). A row declaring a node (no neighbour) is no edge;
    the engines prune the branch of the graph query that only declares
    nodes, so this reads the edges alone. -#}
{% macro connected_components_edges(graph_sql, node_column, neighbour_column) %}
    select
        graph.{{ node_column }} as node,
        graph.{{ neighbour_column }} as neighbour
    from (
        {{ graph_sql }}
    ) as graph
    where graph.{{ neighbour_column }} is not null
{% endmacro %}


{#- Runs the rounds over the graph query `graph_sql`, leaving every linked
    node's final label in the work tables `work` (connected_components_work_relations);
    stops the run when labels still change after `max_rounds` rounds. -#}
{% macro connected_components_rounds(graph_sql, node_column, neighbour_column, work, max_rounds) %}
    {%- set work_temporary = connected_components_work_is_temporary() -%}
    {%- do drop_connected_components_work(work) -%}

    {#- Any numbering will do: labels are turned back into the smallest node id. -#}
    {%- set numbered_nodes -%}
        with graph_edges as (
            {{ connected_components_edges(graph_sql, node_column, neighbour_column) }}
        )

        select
            node,
            {{ unordered_row_number("node") }} as node_number
        from (
            select node from graph_edges
            union
            select neighbour as node from graph_edges
        ) as linked_nodes
    {%- endset -%}
    {%- do run_query(create_table_as(work_temporary, work.numbers, numbered_nodes)) -%}

    {#- Both directions of every edge, written once and read every round. -#}
    {%- set directed_edges -%}
        with graph_edges as (
            {{ connected_components_edges(graph_sql, node_column, neighbour_column) }}
        ),

        numbered_edges as (
            select
                node_numbers.node_number as node,
                neighbour_numbers.node_number as neighbour
            from graph_edges
            inner join {{ work.numbers }} as node_numbers
                on graph_edges.node = node_numbers.node
            inner join {{ work.numbers }} as neighbour_numbers
                on graph_edges.neighbour = neighbour_numbers.node
        )

        select node, neighbour from numbered_edges
        union all
        select neighbour as node, node as neighbour from numbered_edges
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
        {{ log('connected_components: ' ~ this.identifier ~ ' round ' ~ round ~ ', ' ~ changed ~ ' labels changed') }}
        {%- if changed == 0 -%}
            {{ return(round) }}
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
        'connected_components: labels of ' ~ this.identifier ~ ' still changing after ' ~ max_rounds
        ~ ' rounds (config max_rounds); raise it for graphs with very long chains') }}
{% endmacro %}


{#- The table the materialization writes: every node the graph query
    declares, with the smallest node id of its component and the component's
    size, read from the work tables after the last round. With no work tables
    (`work` none: a `--empty` build, where the graph is empty) every node is
    its own component, in the same columns and types. -#}
{% macro connected_components_result(graph_sql, node_column, neighbour_column, work) %}
    with graph_nodes as (
        select graph.{{ node_column }} as node
        from (
            {{ graph_sql }}
        ) as graph
        where graph.{{ neighbour_column }} is null
    ),

    {%- if work is none %}

    linked_components as (
        select
            cast(null as {{ dbt.type_string() }}) as node,
            cast(null as {{ dbt.type_string() }}) as component_id,
            cast(null as {{ dbt.type_bigint() }}) as component_size
        where 1 = 0
    ),
    {%- else %}

    linked as (
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
    ),
    {%- endif %}

    final as (
        select
            graph_nodes.node as {{ node_column }},
            coalesce(linked_components.component_id, graph_nodes.node) as component_id,
            coalesce(linked_components.component_size, 1) as component_size
        from graph_nodes
        left join linked_components
            on graph_nodes.node = linked_components.node
    )

    select * from final
{% endmacro %}


{#- The work tables of the rounds, named after the model (`relation`):
    `<model>__numbers`, `__edges`, `__labels`, `__frontier` and the next
    round's labels and frontier. -#}
{% macro connected_components_work_relations(relation) -%}
    {%- set work = {} -%}
    {%- for name in ['numbers', 'edges', 'labels', 'next_labels', 'frontier', 'next_frontier'] -%}
        {%- set work_relation = relation.incorporate(path={'identifier': relation.identifier ~ '__' ~ name}, type='table') -%}
        {%- if connected_components_work_is_temporary() -%}
            {%- set work_relation = work_relation.include(database=false, schema=false) -%}
        {%- endif -%}
        {%- do work.update({name: work_relation}) -%}
    {%- endfor -%}
    {{ return(work) }}
{%- endmacro %}


{#- Drops the work tables, one statement each (engines such as Spark take no
    batches). -#}
{% macro drop_connected_components_work(work) -%}
    {%- for work_relation in work.values() -%}
        {%- do adapter.drop_relation(work_relation) -%}
    {%- endfor -%}
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
