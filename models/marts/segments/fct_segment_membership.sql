-- Who is in which segment as of the as-of date, and why: one row per profile
-- per segment (and variant: the category of category_interest, the grid cell
-- of rfm), with the values that put the profile there. Every entry of var
-- segment_registry has its model seg_<segment_id>: rules in
-- models/marts/segments/rules/, cluster and model segments in
-- models/marts/segments/ml/. Each profile's primary segment is its
-- member segment of smallest priority (ties: segment_id, then variant).
-- Grain: one row per (profile_id, segment_id, segment_variant).
{%- set registry = built_segment_registry() %}
{%- set segment_models = [] %}
{%- for segment_id, segment in registry.items() %}
{%- do segment_models.append((segment_id, segment, ref('seg_' ~ segment_id))) %}
{%- endfor %}
with

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

members as (
    {%- for segment_id, segment, relation in segment_models %}
    {#- the rule's own columns, as 'name=value; ...' -#}
    {%- set parts = [] %}
    {%- set found = namespace(variant=false) %}
    {%- if execute %}
    {%- for column in adapter.get_columns_in_relation(relation) %}
    {%- set name = column.name | lower %}
    {%- if name == 'segment_variant' %}
    {%- set found.variant = true %}
    {%- elif name != 'profile_id' %}
    {#- numbers with 4 decimals, written alike by every engine -#}
    {%- set value = 'cast(round(' ~ name ~ ', 4) as decimal(38, 4))' if column.is_float() or column.is_numeric() else name %}
    {%- if parts %}{% do parts.append("'; '") %}{% endif %}
    {%- do parts.append("'" ~ name ~ "='") %}
    {%- do parts.append("coalesce(" ~ dbt.cast(value, dbt.type_string()) ~ ", 'null')") %}
    {%- endif %}
    {%- endfor %}
    {%- endif %}
    select
        profile_id,
        '{{ segment_id }}' as segment_id,
        {{ 'segment_variant' if found.variant else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as segment_variant,
        {{ segment.priority | int }} as segment_priority,
        {{ dbt.concat(parts) if parts else "''" }} as qualifying_values
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked as (
    select
        members.*,
        row_number() over (
            partition by members.profile_id
            order by members.segment_priority asc, members.segment_id asc, members.segment_variant asc
        ) as priority_rank
    from members
),

final as (
    select
        as_of.as_of_date,
        ranked.profile_id,
        ranked.segment_id,
        ranked.segment_variant,
        ranked.segment_priority,
        ranked.priority_rank = 1 as is_primary,
        ranked.qualifying_values
    from ranked
    cross join as_of
)

select * from final
