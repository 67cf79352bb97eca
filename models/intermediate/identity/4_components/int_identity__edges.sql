-- Every accepted link between two records: shared usable identifiers
-- (deterministic) and candidate pairs scored as matches (probabilistic).
-- A pair linked both ways is deterministic. Grain: one row per
-- (record_id_a, record_id_b), record_id_a < record_id_b.
with

deterministic_edges as (
    select * from {{ ref('int_identity__deterministic_edges') }}
),

scored_pairs as (
    select * from {{ ref('int_identity__scored_pairs') }}
),

probabilistic_edges as (
    select
        scored_pairs.record_id_a,
        scored_pairs.record_id_b,
        scored_pairs.match_probability
    from scored_pairs
    left join deterministic_edges
        on scored_pairs.record_id_a = deterministic_edges.record_id_a
            and scored_pairs.record_id_b = deterministic_edges.record_id_b
    where scored_pairs.is_match
        and deterministic_edges.record_id_a is null
),

final as (
    select
        record_id_a,
        record_id_b,
        'deterministic' as edge_type,
        matched_on,
        cast(1.0 as {{ type_double() }}) as match_probability
    from deterministic_edges
    union all
    select
        record_id_a,
        record_id_b,
        'probabilistic' as edge_type,
        'fellegi_sunter' as matched_on,
        match_probability
    from probabilistic_edges
)

select * from final
