-- Which record of each profile supplies each attribute group of the golden
-- record, by the rules of var profile_survivorship (source priority, then
-- recency, completeness or frequency, then the latest record, then the
-- smallest record_id). Grain: one row per (profile_id, attribute_group).
{%- set groups = var('profile_survivorship') %}
with

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

profile_records as (
    select
        profile_map.profile_id,
        records.*
    from records
    inner join profile_map
        on records.record_id = profile_map.record_id
),

{% for group, rule in groups.items() %}
{%- if rule.prefer not in ('recency', 'completeness', 'frequency') %}
    {{ exceptions.raise_compiler_error("profile_survivorship." ~ group ~ ".prefer must be recency, completeness or frequency, not '" ~ rule.prefer ~ "'") }}
{%- endif %}
{{ group }}_candidates as (
    select
        profile_id,
        record_id,
        record_source,
        record_key,
        record_updated_at,
        case record_source
            {%- for source in rule.sources %}
            when '{{ source }}' then {{ loop.index }}
            {%- endfor %}
        end as source_rank,
    {%- if rule.prefer == 'recency' %}
    0 as preference
    {%- elif rule.prefer == 'completeness' %}
    -({% for column in rule.columns %}case when {{ column }} is not null then 1 else 0 end{% if not loop.last %} + {% endif %}{% endfor %}) as preference
    {%- else %}
    -count(*) over (partition by profile_id, {{ rule.columns | join(', ') }}) as preference
    {%- endif %}
    from profile_records
    where record_source in ('{{ rule.sources | join("', '") }}')
        and ({% for column in rule.columns %}{{ column }} is not null{% if not loop.last %} or {% endif %}{% endfor %})
),

{{ group }}_ranked as (
    select
        profile_id,
        '{{ group }}' as attribute_group,
        record_id,
        record_source,
        record_key,
        row_number() over (
            partition by profile_id
            order by source_rank asc, preference asc, record_updated_at desc nulls last, record_id asc
        ) as survivorship_rank
    from {{ group }}_candidates
),

{% endfor %}
final as (
    {%- for group in groups %}
    select
        profile_id,
        attribute_group,
        record_id,
        record_source,
        record_key
    from {{ group }}_ranked
    where survivorship_rank = 1
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
