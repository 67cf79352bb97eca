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
    select * from {{ ref('int_identity__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

events as (
    select
        profile_map.profile_id,
        email_events.campaign_id,
        email_events.event_type,
        email_events.occurred_at,
        email_events.occurred_at >= {{ dbt.dateadd('day', -var('email_window_days'), 'as_of.as_of_cutoff') }} as is_recent,
        {{ age_exact_days('email_events.occurred_at') }} as age_exact_days
    from email_events
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'esp_recipients'
            and email_events.recipient_email = profile_map.record_key
    where email_events.occurred_at < as_of.as_of_cutoff
),

-- one row per (profile, campaign): what happened to that email
campaigns as (
    select
        profile_id,
        campaign_id,
        max(case when event_type = 'send' and is_recent then 1 else 0 end) as was_sent,
        max(case when event_type = 'bounce' and is_recent then 1 else 0 end) as bounced,
        max(case when event_type = 'open' and is_recent then 1 else 0 end) as opened,
        max(case when event_type = 'click' and is_recent then 1 else 0 end) as clicked
    from events
    group by profile_id, campaign_id
),

campaign_summary as (
    select
        profile_id,
        sum(was_sent) as emails_sent,
        sum(case when was_sent = 1 and bounced = 0 then 1 else 0 end) as emails_delivered,
        sum(case when was_sent = 1 and bounced = 0 then opened else 0 end) as emails_opened,
        sum(case when was_sent = 1 and bounced = 0 then clicked else 0 end) as emails_clicked
    from campaigns
    group by profile_id
),

event_summary as (
    select
        profile_id,
        max(case when event_type = 'open' then occurred_at end) as last_opened_at,
        max(case when event_type = 'click' then occurred_at end) as last_clicked_at,
        {{ dbt.bool_or("event_type = 'unsubscribe'") }} as has_unsubscribed,
        sum(case when event_type = 'open' then {{ decay_weight('age_exact_days') }} else 0 end) as decayed_opens,
        sum(case when event_type = 'click' then {{ decay_weight('age_exact_days') }} else 0 end) as decayed_clicks
    from events
    group by profile_id
),

final as (
    select
        event_summary.profile_id,
        coalesce(campaign_summary.emails_sent, 0) as emails_sent,
        coalesce(campaign_summary.emails_delivered, 0) as emails_delivered,
        coalesce(campaign_summary.emails_opened, 0) as emails_opened,
        coalesce(campaign_summary.emails_clicked, 0) as emails_clicked,
        -- null when nothing was delivered: no rate, rather than a rate of 0
        case
            when campaign_summary.emails_delivered > 0
                then campaign_summary.emails_opened * 1.0 / campaign_summary.emails_delivered
        end as email_open_rate,
        case
            when campaign_summary.emails_delivered > 0
                then campaign_summary.emails_clicked * 1.0 / campaign_summary.emails_delivered
        end as email_click_rate,
        event_summary.last_opened_at,
        event_summary.last_clicked_at,
        event_summary.has_unsubscribed,
        event_summary.decayed_opens,
        event_summary.decayed_clicks
    from event_summary
    left join campaign_summary
        on event_summary.profile_id = campaign_summary.profile_id
)

select * from final
