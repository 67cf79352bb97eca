-- Email engagement per profile as of the as-of date: campaigns sent, opened
-- and clicked in the last `email_window_days`, open and click rates over the
-- campaigns delivered (sent and not bounced), whether the person ever
-- unsubscribed, and decayed open and click weights for the engagement score.
-- Grain: one row per profile_id with at least one email event.
with

email_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

events as (
    select
        email_events.recipient_email,
        email_events.campaign_id,
        email_events.event_type,
        email_events.occurred_at,
        email_events.occurred_at >= {{ dbt.dateadd('day', -var('email_window_days'), 'as_of.as_of_cutoff') }} as is_recent,
        {{ age_exact_days('email_events.occurred_at') }} as age_exact_days
    from email_events
    cross join as_of
    where email_events.occurred_at < as_of.as_of_cutoff
),

-- One row per (address, campaign): what happened to that email.
recipient_campaigns as (
    select
        recipient_email,
        campaign_id,
        max(case when event_type = 'send' and is_recent then 1 else 0 end) as was_sent,
        max(case when event_type = 'bounce' and is_recent then 1 else 0 end) as bounced,
        max(case when event_type = 'open' and is_recent then 1 else 0 end) as opened,
        max(case when event_type = 'click' and is_recent then 1 else 0 end) as clicked,
        max(case when event_type = 'open' then occurred_at end) as last_opened_at,
        max(case when event_type = 'click' then occurred_at end) as last_clicked_at,
        {{ dbt.bool_or("event_type = 'unsubscribe'") }} as has_unsubscribed,
        sum(case when event_type = 'open' then {{ decay_weight('age_exact_days') }} else 0 end) as decayed_opens,
        sum(case when event_type = 'click' then {{ decay_weight('age_exact_days') }} else 0 end) as decayed_clicks
    from events
    group by recipient_email, campaign_id
),

-- per profile, over its addresses (a campaign that reached two addresses of
-- one person counts for each)
profile_summary as (
    select
        profile_map.profile_id,
        sum(recipient_campaigns.was_sent) as emails_sent,
        sum(case when recipient_campaigns.was_sent = 1 and recipient_campaigns.bounced = 0 then 1 else 0 end) as emails_delivered,
        sum(
            case when recipient_campaigns.was_sent = 1 and recipient_campaigns.bounced = 0 then recipient_campaigns.opened else 0 end
        ) as emails_opened,
        sum(
            case when recipient_campaigns.was_sent = 1 and recipient_campaigns.bounced = 0 then recipient_campaigns.clicked else 0 end
        ) as emails_clicked,
        max(recipient_campaigns.last_opened_at) as last_opened_at,
        max(recipient_campaigns.last_clicked_at) as last_clicked_at,
        {{ dbt.bool_or('recipient_campaigns.has_unsubscribed') }} as has_unsubscribed,
        sum(recipient_campaigns.decayed_opens) as decayed_opens,
        sum(recipient_campaigns.decayed_clicks) as decayed_clicks
    from recipient_campaigns
    inner join profile_map
        on
            profile_map.record_source = 'esp_recipients'
            and recipient_campaigns.recipient_email = profile_map.record_key
    group by profile_map.profile_id
),

final as (
    select
        profile_id,
        emails_sent,
        emails_delivered,
        emails_opened,
        emails_clicked,
        -- null when nothing was delivered: no rate, rather than a rate of 0
        case when emails_delivered > 0 then cast(emails_opened as {{ type_double() }}) / emails_delivered end as email_open_rate,
        case when emails_delivered > 0 then cast(emails_clicked as {{ type_double() }}) / emails_delivered end as email_click_rate,
        last_opened_at,
        last_clicked_at,
        has_unsubscribed,
        decayed_opens,
        decayed_clicks
    from profile_summary
)

select * from final
