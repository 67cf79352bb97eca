-- Warns (does not fail) when a profile gathers more records than a person
-- plausibly has (var identity_max_component_size): usually a shared or junk
-- identifier that slipped past the guards. Lists each oversized component
-- with its records per source and the identifiers linking it, for review.
{{ config(severity='warn') }}

with

components as (
    select * from {{ ref('int_identity__components') }}
    where component_size > {{ var('identity_max_component_size') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

edges as (
    select * from {{ ref('int_identity__edges') }}
),

links as (
    select
        components.component_id,
        edges.matched_on,
        count(*) as edge_count
    from components
    inner join edges
        on components.record_id = edges.record_id_a
    group by components.component_id, edges.matched_on
)

select
    components.component_id,
    components.component_size,
    sum(case when records.record_source = 'crm_customers' then 1 else 0 end) as crm_customers,
    sum(case when records.record_source = 'web_cookies' then 1 else 0 end) as web_cookies,
    sum(case when records.record_source = 'esp_recipients' then 1 else 0 end) as esp_recipients,
    sum(case when records.record_source = 'third_party_demographics' then 1 else 0 end) as third_party,
    max(links.matched_on) as one_linking_identifier
from components
inner join records
    on components.record_id = records.record_id
left join links
    on components.component_id = links.component_id
group by components.component_id, components.component_size
