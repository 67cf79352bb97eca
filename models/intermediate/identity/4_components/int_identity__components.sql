-- Connected components of the record graph (int_identity__edges): every
-- record that can be reached from another through accepted links belongs to
-- the same person. Iterated in SQL until no label changes (see
-- macros/identity/connected_components.sql). Grain: one row per record.
{{ config(post_hook="{{ drop_connected_components_work() }}") }}

with

components as (
    {{ connected_components(
        ref('int_identity__records'), 'record_id',
        ref('int_identity__edges'), 'record_id_a', 'record_id_b') }}
),

final as (
    select
        record_id,
        component_id,
        component_size
    from components
)

select * from final
