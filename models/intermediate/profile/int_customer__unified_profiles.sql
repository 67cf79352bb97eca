-- The unified customer profile: one row per person, the golden record built
-- by var profile_survivorship, with lineage (which source and record each
-- attribute group came from), how many records of each source were linked,
-- and when the person was first and last seen in any source.
--
-- Survivorship, per attribute group: the candidates are the profile's
-- records from the group's `sources` with a value in the group; the earlier
-- source in the list wins, then the group's `prefer` (recency: latest
-- record_updated_at; completeness: most columns of the group filled;
-- frequency: the value most of the profile's records agree on), then the
-- latest record, then the smallest record_id. The whole group is taken from
-- the winning record (a street never meets another record's postcode). All
-- groups are chosen in one pass over the records that are a candidate of
-- some group: each group's winner is the record with the smallest ordering
-- key (`min_by`) among the group's candidates (the aggregate's `filter`:
-- the other records never enter the group's state, where nulling their key
-- would still carry them through it). The winner carries its record_id,
-- split into source and key for the lineage columns only after the
-- aggregation (one string in each group's state instead of two: the
-- aggregate states are the cost of this model). Counts and first and last
-- seen are taken over every record.
-- Grain: one row per profile_id.
{%- set groups = var('profile_survivorship') %}
{%- set sources = ['crm_customers', 'web_cookies', 'esp_recipients', 'third_party_demographics'] %}
{%- set first_party_sources = ['crm_customers', 'web_cookies', 'esp_recipients'] %}
{%- for group, rule in groups.items() %}
{%- if rule.prefer not in ('recency', 'completeness', 'frequency') %}
    {{ exceptions.raise_compiler_error("profile_survivorship." ~ group ~ ".prefer must be recency, completeness or frequency, not '" ~ rule.prefer ~ "'") }}
{%- endif %}
{%- endfor %}
with

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

profile_records as (
    select
        profile_map.profile_id,
        records.*,
        -- smaller is more recent; records never updated come last
        {{ latest_first('records.record_updated_at') }} as staleness
    from records
    inner join profile_map
        on records.record_id = profile_map.record_id
),

{%- set frequency_groups = [] %}
{%- for group, rule in groups.items() if rule.prefer == 'frequency' %}
{%- do frequency_groups.append((group, rule)) %}
{%- endfor %}
-- For `frequency` groups: how many of the profile's records carry each value.
{%- for group, rule in frequency_groups %}
{{ group }}_agreement as (
    select
        profile_id,
        {{ rule.columns | join(',\n        ') }},
        count(*) as {{ group }}_agreement
    from profile_records
    where {% for column in rule.columns %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
    group by profile_id, {{ rule.columns | join(', ') }}
),
{% endfor %}

agreement as (
    select
        profile_records.*
        {%- for group, rule in frequency_groups %},
        {{ group }}_agreement.{{ group }}_agreement
        {%- endfor %}
    from profile_records
    {%- for group, rule in frequency_groups %}
    left join {{ group }}_agreement
        on profile_records.profile_id = {{ group }}_agreement.profile_id
        {%- for column in rule.columns %}
            and profile_records.{{ column }} = {{ group }}_agreement.{{ column }}
        {%- endfor %}
    {%- endfor %}
),

{#- Whether a record is a candidate of a group: from one of the group's
    sources, with a value in the group. #}
{%- set candidate = {} %}
{%- for group, rule in groups.items() %}
{%- set filled = [] %}
{%- for column in rule.columns %}{% do filled.append(column ~ ' is not null') %}{% endfor %}
{%- do candidate.update({group: "record_source in ('" ~ (rule.sources | join("', '")) ~ "') and (" ~ (filled | join(' or ')) ~ ")"}) %}
{%- endfor %}
-- Each group's winner, from the records that are a candidate of some group
-- (most web cookies carry nothing a group takes, so this drops a large share
-- of the records before the aggregate).
choices as (
    select
        profile_id,
        {%- for group, rule in groups.items() %}
        {%- set value_fields = [] %}
        {%- for column in rule.columns + ['record_id'] %}
        {%- do value_fields.append((column, column)) %}
        {%- endfor %}
        {%- if rule.prefer == 'recency' %}
        {%- set preference = '0' %}
        {%- elif rule.prefer == 'completeness' %}
        {%- set filled = [] %}
        {%- for column in rule.columns %}
        {%- do filled.append('case when ' ~ column ~ ' is not null then 1 else 0 end') %}
        {%- endfor %}
        {%- set preference = '-(' ~ filled | join(' + ') ~ ')' %}
        {%- else %}
        {%- set preference = '-' ~ group ~ '_agreement' %}
        {%- endif %}
        {%- set source_rank -%}
            case record_source
            {%- for source in rule.sources %} when '{{ source }}' then {{ loop.index }}{% endfor %} end
        {%- endset %}
        min_by(
            {{ named_struct(value_fields) }},
            {{ named_struct([('source_rank', source_rank), ('preference', preference),
                ('staleness', 'staleness'), ('record_id', 'record_id')]) }}
        ) filter (where {{ candidate[group] }}) as {{ group }}_choice
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from agreement
    where
        {%- for group in groups %}
        ({{ candidate[group] }})
        {%- if not loop.last %}
        or {% endif %}
        {%- endfor %}
    group by profile_id
),

-- Linked records and first and last seen, over all the profile's records.
tallies as (
    select
        profile_id,
        count(*) as linked_records,
        {%- for source in sources %}
        count(case when record_source = '{{ source }}' then 1 end) as {{ source }}_records,
        {%- endfor %}
        min(first_seen_at) as first_seen_at,
        -- when the relationship began: a data provider's delivery date is not
        min(case when record_source in ('{{ first_party_sources | join("', '") }}') then first_seen_at end) as first_party_seen_at,
        max(last_seen_at) as last_seen_at
    from profile_records
    group by profile_id
),

chosen as (
    select
        tallies.*,
        {%- for group in groups %}
        choices.{{ group }}_choice
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from tallies
    left join choices
        on tallies.profile_id = choices.profile_id
),

final as (
    select
        profile_id,
        -- golden record
        {%- for group, rule in groups.items() %}
        {%- for column in rule.columns %}
        {{ group }}_choice.{{ column }} as {{ column }},
        {%- endfor %}
        {%- endfor %}
        -- lineage: the record each attribute group came from
        {%- for group in groups %}
        {{ record_source_of(group ~ '_choice.record_id') }} as {{ group }}_source,
        {{ record_key_of(group ~ '_choice.record_id') }} as {{ group }}_record_key,
        {%- endfor %}
        -- linked records
        linked_records,
        {%- for source in sources %}
        {{ source }}_records,
        {%- endfor %}
        first_seen_at,
        first_party_seen_at,
        last_seen_at
    from chosen
)

select * from final
