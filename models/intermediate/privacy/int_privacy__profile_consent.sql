-- Each profile's current consent per purpose (email, ads, analytics): the
-- latest decision recorded against any of the person's identifiers. Decisions
-- are the consent platform's grants and revocations, and email unsubscribes
-- reported by the email platform (a revocation of `email`).
--
-- A decision reaches a profile through its subject value (email, customer
-- id or phone), with one asymmetry: a grant follows only the identifiers
-- identity resolution uses as evidence (one person's grant must not opt in
-- their household), a revocation also values refused as shared by a
-- household or by too many records (withdrawing consent from too many people
-- is the safe side). Only junk values (blocked: test@test.com, all-zero
-- phones) reach nobody. At the same instant a revocation beats a grant. Consent is current: decisions after `as_of_date` count, so a
-- revocation takes effect on the next build whatever date is built.
-- Profiles with no decision for a purpose have no row for it; what that
-- means is var `consent_default_granted` (see int_privacy__consent_flags).
-- Grain: one row per (profile_id, purpose).
with

consent_events as (
    select * from {{ ref('stg_privacy__consent_events') }}
),

email_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

decisions as (
    select
        consent_event_id as decision_id,
        'consent_platform' as decision_source,
        subject_type,
        subject_value,
        purpose,
        status,
        occurred_at
    from consent_events
    union all
    select
        event_id as decision_id,
        'email_unsubscribe' as decision_source,
        'email' as subject_type,
        recipient_email as subject_value,
        'email' as purpose,
        'revoked' as status,
        occurred_at
    from email_events
    where event_type = 'unsubscribe'
),

profile_decisions as (
    select
        profile_map.profile_id,
        decisions.purpose,
        decisions.status,
        decisions.occurred_at,
        decisions.decision_source,
        decisions.decision_id
    from decisions
    inner join identifiers
        on decisions.subject_type = identifiers.identifier_type
            and decisions.subject_value = identifiers.identifier_value
    inner join profile_map
        on identifiers.record_id = profile_map.record_id
    where identifiers.is_usable
        or (
            decisions.status = 'revoked'
            and identifiers.guard_reason in ('conflicting_dates_of_birth', 'too_many_records')
        )
),

-- The deciding decision of each (profile, purpose): the latest; at the same
-- instant a revocation, then the first source and decision id. One pass:
-- the decision with the smallest ordering key (`min_by`; a decision without
-- a time comes last).
chosen as (
    select
        profile_id,
        purpose,
        min_by(
            {{ named_struct([('status', 'status'), ('occurred_at', 'occurred_at'), ('decision_source', 'decision_source')]) }},
            {{ named_struct([
                ('lateness', latest_first('occurred_at')),
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
