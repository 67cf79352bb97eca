-- Pairs of records worth comparing, and how they compare. A pair is a
-- candidate when the two records agree on every key of at least one blocking
-- rule (var identity_blocking_rules); key values held by more than
-- var identity_max_block_size records form no pairs, so the pairs per record
-- stay bounded however large the data grows. Only records with a name take
-- part: cookies and email recipients link through identifiers alone.
-- Grain: one row per (record_id_a, record_id_b), record_id_a < record_id_b.
{%- set rules = var('identity_blocking_rules') %}
with

records as (
    select * from {{ ref('int_identity__records') }}
    where match_first_name is not null or match_last_name is not null
),

{% for rule in rules %}
{%- set rule_index = loop.index %}
rule_{{ rule_index }}_keys as (
    select
        record_id,
        {{ rule | join(', ') }}
    from records
    where {% for column in rule %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

rule_{{ rule_index }}_blocks as (
    select {{ rule | join(', ') }}
    from rule_{{ rule_index }}_keys
    group by {{ rule | join(', ') }}
    having count(*) between 2 and {{ var('identity_max_block_size') }}
),

rule_{{ rule_index }}_members as (
    select rule_{{ rule_index }}_keys.*
    from rule_{{ rule_index }}_keys
    inner join rule_{{ rule_index }}_blocks
        on {% for column in rule %}rule_{{ rule_index }}_keys.{{ column }} = rule_{{ rule_index }}_blocks.{{ column }}{% if not loop.last %}
            and {% endif %}{% endfor %}
),

rule_{{ rule_index }}_pairs as (
    select
        left_record.record_id as record_id_a,
        right_record.record_id as record_id_b,
        {{ rule_index }} as blocking_rule
    from rule_{{ rule_index }}_members as left_record
    inner join rule_{{ rule_index }}_members as right_record
        on {% for column in rule %}left_record.{{ column }} = right_record.{{ column }}{% if not loop.last %}
            and {% endif %}{% endfor %}
            and left_record.record_id < right_record.record_id
),

{% endfor %}
blocked_pairs as (
    {%- for rule in rules %}
    select * from rule_{{ loop.index }}_pairs
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

pairs as (
    select
        record_id_a,
        record_id_b,
        -- the first rule that proposed the pair, for blocking diagnostics
        min(blocking_rule) as blocking_rule,
        -- every rule that proposed it: the training sessions it belongs to
        {%- for rule in rules %}
        max(case when blocking_rule = {{ loop.index }} then 1 else 0 end) = 1 as proposed_by_rule_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from blocked_pairs
    group by record_id_a, record_id_b
),

compared as (
    select
        pairs.record_id_a,
        pairs.record_id_b,
        pairs.blocking_rule,
        {%- for rule in rules %}
        pairs.proposed_by_rule_{{ loop.index }},
        {%- endfor %}
        {{ comparison_level_columns('left_record', 'right_record') }}
    from pairs
    inner join records as left_record
        on pairs.record_id_a = left_record.record_id
    inner join records as right_record
        on pairs.record_id_b = right_record.record_id
)

select * from compared
