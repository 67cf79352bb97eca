{#-
    Connected components of an undirected graph, in SQL, iterated until
    nothing changes.

    Every node starts with its own id as its component label, then each round
    (1) takes the smallest label among itself and its neighbours and (2) jumps
    to the label of its label (pointer jumping), which halves long chains each
    round instead of moving one hop. A round that changes no label proves that
    every edge joins two nodes of the same label: that is the fixpoint, so the
    result holds whatever the chain length. The labels live in a work table
    `<this>__labels` between rounds, the edges (both directions) in
    `<this>__edges`; drop them afterwards with
    drop_connected_components_work() in a post-hook.

    Arguments: `nodes` (relation) with the string column `node_column`;
    `edges` (relation) with columns `left_column` and `right_column` naming
    nodes. Returns a query with `node_column` and `component_id` (the smallest
    node id of the component).
-#}
{% macro connected_components(nodes, node_column, edges, left_column, right_column) %}
    {%- if not execute -%}
        {{ return('select cast(null as ' ~ dbt.type_string() ~ ') as ' ~ node_column
            ~ ', cast(null as ' ~ dbt.type_string() ~ ') as component_id') }}
    {%- endif -%}
    {%- set labels = this.incorporate(path={'identifier': this.identifier ~ '__labels'}, type='table') -%}
    {%- set next_labels = this.incorporate(path={'identifier': this.identifier ~ '__labels_next'}, type='table') -%}
    {%- set max_rounds = var('identity_max_component_rounds') -%}
    {%- set directed_edges -%}
        select {{ left_column }} as node, {{ right_column }} as neighbour from {{ edges }}
        union all
        select {{ right_column }} as node, {{ left_column }} as neighbour from {{ edges }}
    {%- endset -%}

    {%- set edge_work = this.incorporate(path={'identifier': this.identifier ~ '__edges'}, type='table') -%}
    {%- do adapter.drop_relation(labels) -%}
    {%- do adapter.drop_relation(next_labels) -%}
    {#- Both directions of every edge, written once and read every round. -#}
    {%- do run_query(create_table_as(false, edge_work, directed_edges)) -%}
    {%- set directed_edges = 'select node, neighbour from ' ~ edge_work -%}
    {#- Only nodes with an edge can change label: the rest stay singletons. -#}
    {%- do run_query(create_table_as(false, labels,
        'select distinct node, node as component_id from (' ~ directed_edges ~ ') as directed_edges')) -%}

    {%- for round in range(1, max_rounds + 1) -%}
        {%- set step -%}
            with directed_edges as (
                {{ directed_edges }}
            ),

            smallest_neighbour as (
                select
                    directed_edges.node,
                    min(labels.component_id) as component_id
                from directed_edges
                inner join {{ labels }} as labels
                    on directed_edges.neighbour = labels.node
                group by directed_edges.node
            ),

            propagated as (
                select
                    labels.node,
                    case
                        when smallest_neighbour.component_id < labels.component_id
                            then smallest_neighbour.component_id
                        else labels.component_id
                    end as component_id
                from {{ labels }} as labels
                left join smallest_neighbour
                    on labels.node = smallest_neighbour.node
            )

            select
                propagated.node,
                case
                    when jumped.component_id < propagated.component_id then jumped.component_id
                    else propagated.component_id
                end as component_id
            from propagated
            left join propagated as jumped
                on propagated.component_id = jumped.node
        {%- endset -%}
        {%- do run_query(create_table_as(false, next_labels, step)) -%}
        {%- set changed = run_query(
            'select count(*) from ' ~ next_labels ~ ' as next_labels inner join ' ~ labels
            ~ ' as labels on next_labels.node = labels.node'
            ~ ' where next_labels.component_id <> labels.component_id').columns[0].values()[0] -%}
        {%- do adapter.drop_relation(labels) -%}
        {%- do adapter.rename_relation(next_labels, labels) -%}
        {{ log('connected_components: round ' ~ round ~ ', ' ~ changed ~ ' labels changed') }}
        {%- if changed == 0 -%}
            {{ return('select nodes.' ~ node_column ~ ', coalesce(labels.component_id, nodes.' ~ node_column
                ~ ') as component_id from ' ~ nodes ~ ' as nodes left join ' ~ labels
                ~ ' as labels on nodes.' ~ node_column ~ ' = labels.node') }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'connected_components: labels still changing after ' ~ max_rounds
        ~ ' rounds (var identity_max_component_rounds); raise it for graphs with very long chains') }}
{% endmacro %}


{#- Post-hook: drop the work table of connected_components(). -#}
{% macro drop_connected_components_work() -%}
    drop table if exists {{ this.incorporate(path={'identifier': this.identifier ~ '__labels'}, type='table') }};
    drop table if exists {{ this.incorporate(path={'identifier': this.identifier ~ '__edges'}, type='table') }}
{%- endmacro %}
