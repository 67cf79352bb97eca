-- The segment registry (var segment_registry): every segment, whatever
-- builds it, with its owner, kind and priority. BI tools join membership to
-- it for names and descriptions. Cluster and model segments are listed where
-- dbt Python models run (built_segment_registry).
-- Grain: one row per segment_id.
{%- set registry = var('segment_registry') %}
{%- set kinds = ['rule', 'cluster', 'model'] %}
{%- for segment_id, segment in registry.items() %}
{%- for field in ['name', 'description', 'owner', 'kind', 'priority'] %}
{%- if segment[field] is not defined %}
    {{ exceptions.raise_compiler_error("segment_registry." ~ segment_id ~ " needs a " ~ field) }}
{%- endif %}
{%- endfor %}
{%- if segment.kind not in kinds %}
    {{ exceptions.raise_compiler_error("segment_registry." ~ segment_id ~ ".kind must be one of " ~ kinds | join(', ') ~ ", not '" ~ segment.kind ~ "'") }}
{%- endif %}
{%- endfor %}
with

registry as (
    {%- for segment_id, segment in built_segment_registry().items() %}
    select
        '{{ segment_id }}' as segment_id,
        '{{ segment.name | replace("'", "''") }}' as segment_name,
        '{{ segment.description | replace("'", "''") }}' as segment_description,
        '{{ segment.owner | replace("'", "''") }}' as segment_owner,
        '{{ segment.kind }}' as segment_kind,
        {{ segment.priority | int }} as segment_priority,
        'seg_{{ segment_id }}' as model_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        segment_id,
        segment_name,
        segment_description,
        segment_owner,
        segment_kind,
        segment_priority,
        model_name
    from registry
)

select * from final
