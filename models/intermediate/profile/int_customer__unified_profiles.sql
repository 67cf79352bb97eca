-- The unified customer profile: one row per person, the golden record built
-- by var profile_survivorship, with lineage (which source and record each
-- attribute group came from), how many records of each source were linked,
-- and when the person was first and last seen in any source.
-- Grain: one row per profile_id.
{%- set groups = var('profile_survivorship') %}
{%- set sources = ['crm_customers', 'web_cookies', 'esp_recipients', 'third_party_demographics'] %}
with

profile_map as (
    select * from {{ ref('int_identity__profile_map') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

survivorship as (
    select * from {{ ref('int_identity__survivorship') }}
),

profile_summary as (
    select
        profile_map.profile_id,
        count(*) as linked_records,
        {%- for source in sources %}
        sum(case when records.record_source = '{{ source }}' then 1 else 0 end) as {{ source }}_records,
        {%- endfor %}
        min(records.first_seen_at) as first_seen_at,
        max(records.last_seen_at) as last_seen_at
    from profile_map
    inner join records
        on profile_map.record_id = records.record_id
    group by profile_map.profile_id
),

chosen_records as (
    select
        survivorship.profile_id,
        survivorship.attribute_group,
        records.*
    from survivorship
    inner join records
        on survivorship.record_id = records.record_id
),

-- One chosen record per profile and group: pivot the groups into columns.
golden_records as (
    select
        profile_id,
        {%- for group, rule in groups.items() %}
        {%- for column in rule.columns %}
        max(case when attribute_group = '{{ group }}' then {{ column }} end) as {{ column }},
        {%- endfor %}
        {%- endfor %}
        {%- for group in groups %}
        max(case when attribute_group = '{{ group }}' then record_source end) as {{ group }}_source,
        max(case when attribute_group = '{{ group }}' then record_key end) as {{ group }}_record_key
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from chosen_records
    group by profile_id
),

final as (
    select
        profile_summary.profile_id,
        -- golden record
        {%- for group, rule in groups.items() %}
        {%- for column in rule.columns %}
        golden_records.{{ column }},
        {%- endfor %}
        {%- endfor %}
        -- lineage: the record each attribute group came from
        {%- for group in groups %}
        golden_records.{{ group }}_source,
        golden_records.{{ group }}_record_key,
        {%- endfor %}
        -- linked records
        profile_summary.linked_records,
        {%- for source in sources %}
        profile_summary.{{ source }}_records,
        {%- endfor %}
        profile_summary.first_seen_at,
        profile_summary.last_seen_at
    from profile_summary
    left join golden_records
        on profile_summary.profile_id = golden_records.profile_id
)

select * from final
