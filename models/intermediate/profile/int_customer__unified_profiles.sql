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

chosen as (
    select
        profile_id,
        {%- for group in groups %}
        max(case when attribute_group = '{{ group }}' then record_id end) as {{ group }}_record_id{% if not loop.last %},{% endif %}
        {%- endfor %}
    from survivorship
    group by profile_id
),

final as (
    select
        profile_summary.profile_id,
        -- golden record
        {%- for group, rule in groups.items() %}
        {%- for column in rule.columns %}
        {{ group }}_record.{{ column }},
        {%- endfor %}
        {%- endfor %}
        -- lineage: the record each attribute group came from
        {%- for group in groups %}
        {{ group }}_record.record_source as {{ group }}_source,
        {{ group }}_record.record_key as {{ group }}_record_key,
        {%- endfor %}
        -- linked records
        profile_summary.linked_records,
        {%- for source in sources %}
        profile_summary.{{ source }}_records,
        {%- endfor %}
        profile_summary.first_seen_at,
        profile_summary.last_seen_at
    from profile_summary
    left join chosen
        on profile_summary.profile_id = chosen.profile_id
    {%- for group in groups %}
    left join records as {{ group }}_record
        on chosen.{{ group }}_record_id = {{ group }}_record.record_id
    {%- endfor %}
)

select * from final
