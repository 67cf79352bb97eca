-- Records that share a usable identifier are the same person. Each value
-- links its records to one anchor (the smallest record_id carrying it):
-- n - 1 edges instead of n * (n - 1) / 2 give the same components.
-- A pair linked through several identifiers keeps the strongest one
-- (lowest identifier_priority). Grain: one row per (record_id_a, record_id_b),
-- record_id_a < record_id_b.
with

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
    where is_usable
),

anchored as (
    select
        record_id,
        identifier_type,
        identifier_priority,
        min(record_id) over (partition by identifier_type, identifier_value) as anchor_record_id
    from identifiers
),

links as (
    select
        anchor_record_id as record_id_a,
        record_id as record_id_b,
        identifier_type,
        identifier_priority
    from anchored
    where record_id <> anchor_record_id
),

ranked as (
    select
        links.*,
        row_number() over (
            partition by links.record_id_a, links.record_id_b
            order by links.identifier_priority, links.identifier_type
        ) as strength_rank
    from links
),

final as (
    select
        record_id_a,
        record_id_b,
        identifier_type as matched_on
    from ranked
    where strength_rank = 1
)

select * from final
