-- How often each comparison level occurs among pairs of records taken at
-- random: the u probabilities of Fellegi-Sunter (almost every random pair is
-- two different people). "Random" is deterministic here, and the same on
-- every engine: a share of the records, chosen by a hash of their id, is
-- dealt into partitions of about 10,000 by the same hash, put in the order
-- of another hash of the id within each, and each record is paired with its
-- next var identity_u_pairs_per_record neighbours in that order. The share
-- makes about var identity_u_max_pairs pairs, so the work stays bounded as
-- records grow, and no window holds more than one partition. Every level of
-- every comparison has a row, with 0 when unseen.
-- Grain: one row per (comparison, level).
{%- set per_record = var('identity_u_pairs_per_record') %}
{%- set comparisons = identity_comparisons() %}
{%- set sampled_records = (var('identity_u_max_pairs') / per_record) | round(0, 'ceil') | int + per_record %}
{%- set key_range = 1000000 %}
with

records as (
    select * from {{ ref('int_identity__records') }}
    where match_first_name is not null or match_last_name is not null
),

population as (
    select count(*) as comparable_records
    from records
),

sampling as (
    select
        cast({{ sampled_records }} as {{ type_double() }}) / greatest(comparable_records, 1) as sampled_share,
        greatest(
            cast(ceil(least(comparable_records, {{ sampled_records }}) / 10000.0) as {{ dbt.type_bigint() }}),
            1
        ) as partitions
    from population
),

-- sample_key: a stable number in [0, {{ key_range }}) per record
keyed as (
    select
        record_id,
        {{ hash_bucket('record_id', key_range) }} as sample_key,
        {{ dbt.hash('record_id') }} as shuffle_key
    from records
),

sampled as (
    select
        keyed.record_id,
        keyed.shuffle_key,
        keyed.sample_key % sampling.partitions as pair_partition
    from keyed
    cross join sampling
    where keyed.sample_key < sampling.sampled_share * {{ key_range }}
),

-- every neighbour in one pass over the sample
neighbour_columns as (
    select
        {%- for offset in range(1, per_record + 1) %}
        lead(record_id, {{ offset }}) over (
            partition by pair_partition
            order by shuffle_key, record_id
        ) as neighbour_{{ offset }},
        {%- endfor %}
        record_id
    from sampled
),

offsets as (
    {%- for offset in range(1, per_record + 1) %}
    select {{ offset }} as neighbour_offset
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

neighbours as (
    select
        neighbour_columns.record_id as record_id_a,
        case offsets.neighbour_offset
            {%- for offset in range(1, per_record + 1) %}
            when {{ offset }} then neighbour_columns.neighbour_{{ offset }}
            {%- endfor %}
        end as record_id_b
    from neighbour_columns
    cross join offsets
),

-- Both records' compared values and the similarities the levels read,
-- computed once (comparison_inputs).
pair_values as (
    select
        {{ comparison_inputs('left_record', 'right_record') }}
    from neighbours
    inner join records as left_record
        on neighbours.record_id_a = left_record.record_id
    inner join records as right_record
        on neighbours.record_id_b = right_record.record_id
),

random_pairs as (
    select
        {{ comparison_level_columns() }}
    from pair_values
),

level_counts as (
    {%- for name in comparisons %}
    select
        '{{ name }}' as comparison,
        {{ name }} as level,
        count(*) as pair_count
    from random_pairs
    group by {{ name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

levels as (
    {%- for name, spec in comparisons.items() %}
    {%- set comparison_loop = loop %}
    select
        '{{ name }}' as comparison,
        -1 as level,
        'null' as label
    {%- for label in comparison_labels(spec) %}
    union all
    select
        '{{ name }}',
        {{ loop.index0 }},
        '{{ label }}'
    {%- endfor %}
    {%- if not comparison_loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        levels.comparison,
        levels.level,
        levels.label,
        coalesce(level_counts.pair_count, 0) as pair_count,
        -- the population the pairs are drawn from
        (select count(*) from records) as comparable_records
    from levels
    left join level_counts
        on levels.comparison = level_counts.comparison
            and levels.level = level_counts.level
)

select * from final
