-- Email engaged: sent at least sends_at_least emails in the email window,
-- opened at least open_rate_at_least of those delivered, and never
-- unsubscribed.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        emails_sent,
        email_open_rate
    from features
    where
        emails_sent >= {{ segment_threshold('email_engaged', 'sends_at_least') }}
        and email_open_rate >= {{ segment_threshold('email_engaged', 'open_rate_at_least') }}
        and not has_unsubscribed
)

{{ segment_contract('final', values={'emails_sent': 'integer', 'email_open_rate': 'float'}) }}
