-- Each profile's current consent per purpose (email, ads, analytics): the
-- latest decision recorded against any of the person's identifiers. Decisions
-- are the consent platform's grants and revocations, and email unsubscribes
-- reported by the email platform (a revocation of `email`).
--
-- A decision reaches a profile through its subject (int_privacy__subject_records:
-- exactly, by hash, a customer id in another case, a phone in another
-- country's national form), with one asymmetry: a grant follows only the
-- identifiers identity resolution uses as evidence and only an unambiguous
-- subject (one person's grant must not opt in their household), a
-- revocation also values refused as shared by a household or by too many
-- records and subjects a loose reading finds in several identifiers
-- (withdrawing consent from too many people is the safe side). Only junk
-- values (blocked: test@test.com, all-zero phones) reach nobody. A
-- revocation of purpose `all` revokes every purpose of var
-- consent_default_granted. At the same instant a revocation beats a grant,
-- and a revocation whose time could not be trusted (null occurred_at, see
-- base_privacy__consent_events) beats every grant. An email unsubscribe is
-- honoured even when the email platform's row was quarantined for its time
-- or id, as long as its recipient can be read. Consent is current:
-- decisions after `as_of_date` count, so a revocation takes effect on the
-- next build whatever date is built.
-- Profiles with no decision for a purpose have no row for it; what that
-- means is var `consent_default_granted` (see int_privacy__consent_flags).
-- Grain: one row per (profile_id, purpose).
{%- set purposes = var('consent_default_granted').keys() | sort %}
with

consent_events as (
    select * from {{ ref('stg_privacy__consent_events') }}
),

-- every unsubscribe whose recipient can be read, staged or not: a time or id
-- the platform got wrong does not undo an unsubscribe
unsubscribes as (
    select * from {{ ref('base_esp__email_events') }}
    where normalized_event_type = 'unsubscribe'
        and normalized_recipient_email is not null
),

subject_records as (
    select * from {{ ref('int_privacy__subject_records') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

purposes as (
    {%- for purpose in purposes %}
    select '{{ purpose }}' as purpose{{ ' union all' if not loop.last }}
    {%- endfor %}
),

decisions as (
    select
        consent_event_id as decision_id,
        'consent_platform' as decision_source,
        subject_type,
        subject_value,
        subject_national_number,
        purpose,
        status,
        occurred_at
    from consent_events
    union all
    select
        coalesce(normalized_event_id, 'row-' || raw_row_id) as decision_id,
        'email_unsubscribe' as decision_source,
        'email' as subject_type,
        normalized_recipient_email as subject_value,
        cast(null as {{ dbt.type_string() }}) as subject_national_number,
        'email' as purpose,
        'revoked' as status,
        case when rejection_reason is null then normalized_occurred_at end as occurred_at
    from unsubscribes
),

-- `all` is every purpose
purposed_decisions as (
    select
        decisions.decision_id,
        decisions.decision_source,
        decisions.subject_type,
        decisions.subject_value,
        decisions.subject_national_number,
        purposes.purpose,
        decisions.status,
        decisions.occurred_at
    from decisions
    inner join purposes
        on decisions.purpose = purposes.purpose
            or decisions.purpose = 'all'
),

profile_decisions as (
    select
        profile_map.profile_id,
        purposed_decisions.purpose,
        purposed_decisions.status,
        purposed_decisions.occurred_at,
        purposed_decisions.decision_source,
        purposed_decisions.decision_id
    from purposed_decisions
    inner join subject_records
        on purposed_decisions.subject_type = subject_records.subject_type
            and purposed_decisions.subject_value = subject_records.subject_value
            and coalesce(purposed_decisions.subject_national_number, '')
            = coalesce(subject_records.subject_national_number, '')
    inner join profile_map
        on subject_records.record_id = profile_map.record_id
    where
        (subject_records.is_usable and not subject_records.is_ambiguous)
        or (
            purposed_decisions.status = 'revoked'
            and (
                subject_records.is_usable
                or subject_records.guard_reason in ('conflicting_dates_of_birth', 'too_many_records')
            )
        )
),

-- The deciding decision of each (profile, purpose): the latest (a revocation
-- of untrusted time before all); at the same instant a revocation, then the
-- first source and decision id. One pass:
-- the decision with the smallest ordering key (`min_by`; a decision without
-- a time comes last).
chosen as (
    select
        profile_id,
        purpose,
        min_by(
            {{ named_struct([('status', 'status'), ('occurred_at', 'occurred_at'), ('decision_source', 'decision_source')]) }},
            {{ named_struct([
                ('lateness', "case when status = 'revoked' and occurred_at is null then -1 else " ~ latest_first('occurred_at') ~ ' end'),
                ('revocation_first', "case status when 'revoked' then 0 else 1 end"),
                ('decision_source', 'decision_source'),
                ('decision_id', 'decision_id'),
            ]) }}
        ) as decision
    from profile_decisions
    group by profile_id, purpose
),

final as (
    select
        chosen.profile_id,
        chosen.purpose,
        chosen.decision.status = 'granted' as is_granted,
        chosen.decision.status as consent_status,
        chosen.decision.occurred_at as decided_at,
        chosen.decision.decision_source
    from chosen
)

select * from final
