-- Segment membership over time, kept across builds: one row per stretch of
-- membership, from the as-of date a profile was first seen in a segment
-- (`valid_from`) to the first as-of date it was seen out of it (`valid_to`,
-- null while it is still in). Each build adds its as-of date to what the
-- previous builds recorded (this table's previous contents):
-- * memberships still present are confirmed (`last_seen_on`);
-- * memberships gone are closed (`valid_to` = this as-of date);
-- * new memberships open a stretch (`valid_from` = this as-of date).
-- Building the same as-of date again replaces that date's changes; building
-- an earlier date than one already recorded is refused (history only moves
-- forward; a `--full-refresh` of this model starts it again from this build).
-- Only profiles that still exist keep their history: a profile under an
-- erasure request leaves it entirely, earlier builds included, and so do ids
-- that no longer exist (a person's earlier id, before a merge).
-- Members of segment S on date D:
--   valid_from <= D and (valid_to is null or valid_to > D)
-- Entries and exits between D1 and D2: fct_segment_changes.
-- Grain: one row per (profile_id, segment_id, segment_variant, valid_from).
{%- set previous = previous_build() %}
{%- if previous is not none %}
{%- set latest = run_query('select max(coalesce(valid_to, last_seen_on)) from ' ~ previous).columns[0].values()[0] %}
{%- set as_of_date = run_query('select as_of_date from ' ~ ref('int_features__as_of')).columns[0].values()[0] %}
{%- if latest is not none and as_of_date is not none and (as_of_date | string)[:10] < (latest | string)[:10] %}
    {{ exceptions.raise_compiler_error(
        'fct_segment_membership_history already records ' ~ latest ~ '; it cannot go back to as_of_date '
        ~ as_of_date ~ '; to start the history again from this date, run'
        ~ ' dbt build --full-refresh --select fct_segment_membership_history') }}
{%- endif %}
{%- endif %}
with

membership as (
    select * from {{ ref('fct_segment_membership') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- every current profile (erased ones are absent)
current_profiles as (
    select profile_id from {{ ref('int_privacy__customer_keys') }}
),

recorded as (
    {%- if previous is not none %}
    select
        profile_id,
        segment_id,
        segment_variant,
        valid_from,
        valid_to,
        last_seen_on
    from {{ previous }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as profile_id,
        cast(null as {{ dbt.type_string() }}) as segment_id,
        cast(null as {{ dbt.type_string() }}) as segment_variant,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to,
        cast(null as date) as last_seen_on
    where 1 = 0
    {%- endif %}
),

-- Undo an earlier build of this same as-of date: drop the stretches it
-- opened and reopen the ones it closed.
rewound as (
    select
        recorded.profile_id,
        recorded.segment_id,
        recorded.segment_variant,
        recorded.valid_from,
        case when recorded.valid_to = as_of.as_of_date then null else recorded.valid_to end as valid_to,
        recorded.last_seen_on
    from recorded
    cross join as_of
    inner join current_profiles
        on recorded.profile_id = current_profiles.profile_id
    where recorded.valid_from < as_of.as_of_date
),

-- a membership is (profile, segment, variant); the variant may be null
open_stretches as (
    select
        *,
        {{ dbt.concat(['profile_id', "'|'", 'segment_id', "'|'", "coalesce(segment_variant, '')"]) }} as membership_key
    from rewound
    where valid_to is null
),

current_members as (
    select
        membership.profile_id,
        membership.segment_id,
        membership.segment_variant,
        {{ dbt.concat(['membership.profile_id', "'|'", 'membership.segment_id', "'|'", "coalesce(membership.segment_variant, '')"]) }} as membership_key,
        as_of.as_of_date
    from membership
    cross join as_of
),

continued as (
    select
        open_stretches.profile_id,
        open_stretches.segment_id,
        open_stretches.segment_variant,
        open_stretches.valid_from,
        cast(null as date) as valid_to,
        current_members.as_of_date as last_seen_on
    from open_stretches
    inner join current_members
        on
            open_stretches.membership_key = current_members.membership_key
),

ended as (
    select
        open_stretches.profile_id,
        open_stretches.segment_id,
        open_stretches.segment_variant,
        open_stretches.valid_from,
        as_of.as_of_date as valid_to,
        open_stretches.last_seen_on
    from open_stretches
    cross join as_of
    left join current_members
        on
            open_stretches.membership_key = current_members.membership_key
    where current_members.profile_id is null
),

started as (
    select
        current_members.profile_id,
        current_members.segment_id,
        current_members.segment_variant,
        current_members.as_of_date as valid_from,
        cast(null as date) as valid_to,
        current_members.as_of_date as last_seen_on
    from current_members
    left join open_stretches
        on
            current_members.membership_key = open_stretches.membership_key
    where open_stretches.profile_id is null
),

final as (
    select * from rewound
    where valid_to is not null
    union all
    select * from continued
    union all
    select * from ended
    union all
    select * from started
)

select * from final
