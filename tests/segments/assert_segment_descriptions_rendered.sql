-- Every segment description is rendered from its template
-- (macros/segments/registry.sql): no '{threshold}' or '{var:name}' left.
with

segments as (
    select * from {{ ref('dim_segments') }}
),

final as (
    select
        segment_id,
        segment_description
    from segments
    where
        {{ dbt.position("'{'", 'segment_description') }} > 0
        or {{ dbt.position("'}'", 'segment_description') }} > 0
)

select * from final
