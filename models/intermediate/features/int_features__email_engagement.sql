-- Email engagement per profile as of the as-of date: campaigns sent, opened
-- and clicked in the last `email_window_days`, open and click rates over the
-- campaigns delivered (sent and not bounced), whether the person ever
-- unsubscribed, and decayed open and click weights for the engagement score.
-- Grain: one row per profile_id with an email event in the window, or an
-- open, click or unsubscribe at any time before the cutoff.
with

-- The staged events are imported once per pass below, not once for both:
-- DuckDB materializes a CTE that two passes read, whole, before either
-- filters it (every email event of the build, the largest source after web
-- events).
campaign_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

engagement_events as (
    select * from {{ ref('stg_esp__email_events') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- Two narrow passes instead of one over every event by campaign: the rates
-- need each campaign's outcome only inside the window, and the all-time
-- figures (last open and click, unsubscribe, decay weights) need no campaign
-- at all. Sends, most of the events, are read only inside the window.

-- One row per (address, campaign) with an event in the window: what happened
-- to that email.
recent_campaigns as (
    select
        campaign_events.recipient_email,
        campaign_events.campaign_id,
        max(case when campaign_events.event_type = 'send' then 1 else 0 end) as was_sent,
        max(case when campaign_events.event_type = 'bounce' then 1 else 0 end) as bounced,
        max(case when campaign_events.event_type = 'open' then 1 else 0 end) as opened,
        max(case when campaign_events.event_type = 'click' then 1 else 0 end) as clicked
    from campaign_events
    cross join as_of
    where
        campaign_events.occurred_at < as_of.as_of_cutoff
        and campaign_events.occurred_at >= {{ dbt.dateadd('day', -var('email_window_days'), 'as_of.as_of_cutoff') }}
    group by campaign_events.recipient_email, campaign_events.campaign_id
),

recent_recipients as (
    select
        recipient_email,
        sum(was_sent) as emails_sent,
        sum(case when was_sent = 1 and bounced = 0 then 1 else 0 end) as emails_delivered,
        sum(case when was_sent = 1 and bounced = 0 then opened else 0 end) as emails_opened,
        sum(case when was_sent = 1 and bounced = 0 then clicked else 0 end) as emails_clicked
    from recent_campaigns
    group by recipient_email
),

-- opens, clicks and unsubscribes of all time, per address
engaged_recipients as (
    select
        engagement_events.recipient_email,
        max(case when engagement_events.event_type = 'open' then engagement_events.occurred_at end) as last_opened_at,
        max(case when engagement_events.event_type = 'click' then engagement_events.occurred_at end) as last_clicked_at,
        {{ dbt.bool_or("engagement_events.event_type = 'unsubscribe'") }} as has_unsubscribed,
        sum(
            case when engagement_events.event_type = 'open' then {{ decay_weight(age_exact_days('engagement_events.occurred_at')) }} else 0 end
        ) as decayed_opens,
        sum(
            case when engagement_events.event_type = 'click' then {{ decay_weight(age_exact_days('engagement_events.occurred_at')) }} else 0 end
        ) as decayed_clicks
    from engagement_events
    cross join as_of
    where
        engagement_events.occurred_at < as_of.as_of_cutoff
        and engagement_events.event_type in ('open', 'click', 'unsubscribe')
    group by engagement_events.recipient_email
),

recipients as (
    select
        coalesce(recent_recipients.recipient_email, engaged_recipients.recipient_email) as recipient_email,
        coalesce(recent_recipients.emails_sent, 0) as emails_sent,
        coalesce(recent_recipients.emails_delivered, 0) as emails_delivered,
        coalesce(recent_recipients.emails_opened, 0) as emails_opened,
        coalesce(recent_recipients.emails_clicked, 0) as emails_clicked,
        engaged_recipients.last_opened_at,
        engaged_recipients.last_clicked_at,
        coalesce(engaged_recipients.has_unsubscribed, false) as has_unsubscribed,
        coalesce(engaged_recipients.decayed_opens, 0) as decayed_opens,
        coalesce(engaged_recipients.decayed_clicks, 0) as decayed_clicks
    from recent_recipients
    full outer join engaged_recipients
        on recent_recipients.recipient_email = engaged_recipients.recipient_email
),

-- per profile, over its addresses (a campaign that reached two addresses of
-- one person counts for each)
profile_summary as (
    select
        profile_map.profile_id,
        sum(recipients.emails_sent) as emails_sent,
        sum(recipients.emails_delivered) as emails_delivered,
        sum(recipients.emails_opened) as emails_opened,
        sum(recipients.emails_clicked) as emails_clicked,
        max(recipients.last_opened_at) as last_opened_at,
        max(recipients.last_clicked_at) as last_clicked_at,
        {{ dbt.bool_or('recipients.has_unsubscribed') }} as has_unsubscribed,
        sum(recipients.decayed_opens) as decayed_opens,
        sum(recipients.decayed_clicks) as decayed_clicks
    from recipients
    inner join profile_map
        on
            profile_map.record_source = 'esp_recipients'
            and recipients.recipient_email = profile_map.record_key
    group by profile_map.profile_id
),

final as (
    select
        profile_id,
        cast(emails_sent as {{ dbt.type_bigint() }}) as emails_sent,
        cast(emails_delivered as {{ dbt.type_bigint() }}) as emails_delivered,
        cast(emails_opened as {{ dbt.type_bigint() }}) as emails_opened,
        cast(emails_clicked as {{ dbt.type_bigint() }}) as emails_clicked,
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
