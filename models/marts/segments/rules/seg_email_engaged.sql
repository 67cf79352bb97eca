-- Email engaged: sent at least 3 emails in the last 90 days, opened at least
-- a quarter of those delivered, and never unsubscribed.
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
        emails_sent >= {{ var('email_engaged_min_sends') }}
        and email_open_rate >= {{ var('email_engaged_min_open_rate') }}
        and not has_unsubscribed
)

select * from final
