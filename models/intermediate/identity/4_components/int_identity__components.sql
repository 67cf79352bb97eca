-- Connected components of the record graph: every record that can be reached
-- from another through accepted links (int_identity__edges) belongs to the
-- same person. This query is the graph, one row per record and one per link;
-- the connected_components materialization turns it into the table, one row
-- per record with its component_id (the component's smallest record_id) and
-- component_size (macros/materializations/connected_components.sql).
-- Grain of the table: one row per record.
{{ config(
    materialized='connected_components',
    node_column='record_id',
    neighbour_column='linked_record_id',
    max_rounds=var('identity_max_component_rounds'),
) }}

with

records as (
    select * from {{ ref('int_identity__records') }}
),

edges as (
    select * from {{ ref('int_identity__edges') }}
),

final as (
    select
        record_id,
        cast(null as {{ dbt.type_string() }}) as linked_record_id
    from records
    union all
    select
        record_id_a as record_id,
        record_id_b as linked_record_id
    from edges
)

select * from final
