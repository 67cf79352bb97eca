-- Connected components reached their fixpoint: no accepted edge joins two
-- records of different components (whatever the chain length).
with

edges as (
    select * from {{ ref('int_identity__edges') }}
),

components as (
    select * from {{ ref('int_identity__components') }}
)

select
    edges.record_id_a,
    edges.record_id_b,
    component_a.component_id as component_a,
    component_b.component_id as component_b
from edges
inner join components as component_a
    on edges.record_id_a = component_a.record_id
inner join components as component_b
    on edges.record_id_b = component_b.record_id
where component_a.component_id <> component_b.component_id
