-- Which profile every record belongs to, with profile ids that stay put.
--
-- A profile id is made once, from the first record of its component, and
-- then carried from run to run through this table's previous contents:
-- * a component whose records already had a profile keeps that profile id;
-- * when components merge, the profile holding most of the records survives
--   (ties: the smaller id), and the others' records move to it;
-- * when a component splits, the part holding most of the old profile's
--   records keeps the id, and the other parts get new ids;
-- * a component with no earlier profile gets a new id, the keyed hash (with
--   the secret salt of int_privacy__pseudonymisation_salt) of its smallest
--   record_id (mixed with that record's earlier profile id, if any, so an id
--   is never handed out twice). Keyed, so nobody can compute a person's id
--   from a customer id or email they know.
-- So the same inputs give the same ids, and new records never rename an
-- existing profile unless two profiles merge. `--full-refresh` forgets the
-- previous ids and assigns every id afresh from the records alone.
-- Grain: one row per record.
{%- set previous = previous_build() %}
with

components as (
    select * from {{ ref('int_identity__components') }}
),

salt as (
    select * from {{ ref('int_privacy__pseudonymisation_salt') }}
),

previous_map as (
    {%- if previous is not none %}
    select
        record_id,
        profile_id
    from {{ previous }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_string() }}) as profile_id
    where 1 = 0
    {%- endif %}
),

claims as (
    select
        components.record_id,
        components.component_id,
        previous_map.profile_id as previous_profile_id
    from components
    left join previous_map
        on components.record_id = previous_map.record_id
),

-- How many records of each earlier profile landed in each component.
shares as (
    select
        previous_profile_id,
        component_id,
        count(*) as record_count
    from claims
    where previous_profile_id is not null
    group by previous_profile_id, component_id
),

-- A split profile stays with the component holding most of its records.
homes as (
    select
        shares.*,
        row_number() over (
            partition by shares.previous_profile_id
            order by shares.record_count desc, shares.component_id asc
        ) as home_rank
    from shares
),

-- A component that is home to several earlier profiles (a merge) keeps the
-- largest of them.
survivors as (
    select
        component_id,
        previous_profile_id as profile_id,
        row_number() over (
            partition by component_id
            order by record_count desc, previous_profile_id asc
        ) as survivor_rank
    from homes
    where home_rank = 1
),

new_ids as (
    select
        claims.component_id,
        {{ dbt.hash(dbt.concat(["salt.salt", "'|'", "claims.component_id", "coalesce('|' || claims.previous_profile_id, '')"])) }} as profile_id
    from claims
    cross join salt
    where claims.record_id = claims.component_id
),

final as (
    select
        claims.record_id,
        {{ record_source_of('claims.record_id') }} as record_source,
        {{ record_key_of('claims.record_id') }} as record_key,
        claims.component_id,
        coalesce(survivors.profile_id, new_ids.profile_id) as profile_id,
        claims.previous_profile_id
    from claims
    inner join new_ids
        on claims.component_id = new_ids.component_id
    left join survivors
        on claims.component_id = survivors.component_id
            and survivors.survivor_rank = 1
)

select * from final
