-- The segment registry: every segment, whatever builds it, with its owner,
-- kind and priority, read from the project graph (each segment model's YAML
-- entry, config.meta.segment: macros/segments/registry.sql). The description
-- is rendered from the thresholds in force. BI tools join membership to it
-- for names and descriptions. Cluster and model segments are listed where
-- dbt Python models run (built_segment_registry).
-- Each segment names the raw sources it needs (`requires`) and those it
-- reads when present (`uses_if_present`); this build's sources
-- (int_sources__presence) decide whether it can be computed, and which
-- sources are missing. A rule segment that cannot be computed is empty: its
-- required source feeds every condition of its rule. One missing only a
-- source it does without is computed on what is there (its SQL says how).
-- Grain: one row per segment_id.
{%- set registry = built_segment_registry() %}
{%- set known_sources = quarantined_source_tables() | map(attribute=0) | list %}
{#- presence columns, and the listed sources this build lacks as 'a, b' in
    the registry's order (null when it has them all); concat_ws skips nulls. -#}
{%- set presence_columns = [] %}
{%- for source_table in known_sources %}
{%- do presence_columns.append("count(case when source_table = '" ~ source_table ~ "' and is_present then 1 end) > 0 as "
    ~ source_table | replace('.', '__')) %}
{%- endfor %}
{%- set missing = {} %}
{%- for segment_id, segment in registry.items() %}
{%- for field in ['requires', 'uses_if_present'] %}
{%- set terms = [] %}
{%- for source_table in segment.get(field, []) %}
{%- do terms.append("case when not presence." ~ source_table | replace('.', '__') ~ " then '" ~ source_table ~ "' end") %}
{%- endfor %}
{%- do terms.append("cast(null as " ~ dbt.type_string() ~ ")") %}
{%- do missing.update({segment_id ~ '.' ~ field: "nullif(concat_ws(', ', " ~ terms | join(', ') ~ "), '')"}) %}
{%- endfor %}
{%- endfor %}
with

sources as (
    select * from {{ ref('int_sources__presence') }}
),

-- One row, one boolean per known source table (crm.orders -> crm__orders).
presence as (
    select
        {{ presence_columns | join(',\n        ') }}
    from sources
),

registry as (
    {%- for segment_id, segment in registry.items() %}
    select
        '{{ segment_id }}' as segment_id,
        {{ text_literal(segment.name) }} as segment_name,
        {{ text_literal(segment.description) }} as segment_description,
        {{ text_literal(segment.owner) }} as segment_owner,
        '{{ segment.kind }}' as segment_kind,
        {{ segment.priority | int }} as segment_priority,
        'seg_{{ segment_id }}' as model_name,
        nullif('{{ segment.requires | join(", ") }}', '') as required_sources,
        nullif('{{ segment.get("uses_if_present", []) | join(", ") }}', '') as optional_sources,
        {{ missing[segment_id ~ '.requires'] }} as missing_sources,
        {{ missing[segment_id ~ '.uses_if_present'] }} as missing_optional_sources
    from presence
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
        model_name,
        required_sources,
        optional_sources,
        missing_sources is null as is_computable,
        missing_sources,
        missing_optional_sources
    from registry
)

select * from final
