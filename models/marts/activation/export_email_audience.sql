-- Email-platform audience file: the treatment arm of every activated
-- audience, for profiles that consent to `email` (an unsubscribe is a
-- revocation), keyed the way the email platform syncs lists: the
-- pseudonymous customer key as the external id and the SHA-256 of the
-- normalized address, which the platform matches against its own
-- subscribers; with the segment context used to personalise the message.
-- A profile without an email address is left out.
-- Grain: one row per (audience, external_id).
with

targets as (
    select * from {{ ref('int_activation__targets') }}
),

final as (
    select
        audience,
        customer_key as external_id,
        email_sha256,
        primary_segment_id,
        cluster_label,
        purchase_decile,
        experiment,
        as_of_date
    from targets
    where has_email_consent
        and email_sha256 is not null
)

select * from final
