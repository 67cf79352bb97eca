-- Records that share a usable identifier are the same person. Each value
-- links its records to its anchor (the smallest record_id carrying it, from
-- int_identity__identifiers): n - 1 edges instead of n * (n - 1) / 2 give the
-- same components. Every guard is decided per value, so all the records of a
-- usable value, its anchor included, carry it usably.
-- A pair linked through several identifiers is labelled with the strongest
-- one (lowest priority in var identity_identifier_rules; priorities are
-- distinct, so the label is decided by the priority alone).
-- Grain: one row per (record_id_a, record_id_b), record_id_a < record_id_b.
{%- set rules = var('identity_identifier_rules') %}
{%- set priorities = rules.values() | map(attribute='priority') | list %}
{%- if priorities | unique | list | length != priorities | length %}
    {{ exceptions.raise_compiler_error("identity_identifier_rules: every identifier type needs its own priority, got " ~ priorities) }}
{%- endif %}
with

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
    where is_usable
),

links as (
    select
        anchor_record_id as record_id_a,
        record_id as record_id_b,
        min(identifier_priority) as identifier_priority
    from identifiers
    where record_id <> anchor_record_id
    group by anchor_record_id, record_id
),

final as (
    select
        record_id_a,
        record_id_b,
        case identifier_priority
            {%- for type, rule in rules.items() %}
            when {{ rule.priority }} then '{{ type }}'
            {%- endfor %}
        end as matched_on
    from links
)

select * from final
