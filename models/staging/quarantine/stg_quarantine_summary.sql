-- Per source table, one build's account of its raw rows: how many arrived
-- (exact copies counted), were staged, quarantined or removed as exact
-- copies, the share quarantined for a defect against the table's warn and
-- error shares, its top reasons and an example raw_row_id. For crm.orders,
-- also the staged orders whose customer_id matches no staged CRM customer
-- ("orphans"): counted here, never quarantined, since their customers may
-- arrive in a later delivery. Reads only the base models, so it is built
-- even when a staged model fails its quarantine check.
{{ config(materialized='table', post_hook="{{ check_orphan_orders() }}") }}

with

reasons as (
    select * from {{ ref('stg_quarantine_reasons') }}
),

orders as (
    select * from {{ ref('base_crm__orders') }}
),

customers as (
    select * from {{ ref('base_crm__customers') }}
),

accounts as (
    {% for source_table, base_model in quarantined_source_tables() %}
    {{ quarantine_account_sql(source_table, ref(base_model)) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- The thresholds are validated numbers (macros/staging/quarantine.sql).
thresholds as (
    {% for source_table, _base_model in quarantined_source_tables() %}
    {%- set shares = quarantine_share_thresholds(source_table) %}
    select
        '{{ source_table }}' as source_table,
        cast({{ shares['warn'] }} as {{ type_double() }}) as warn_share,
        cast({{ shares['error'] }} as {{ type_double() }}) as error_share
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- History reasons (a superseded version) are not defects: not ranked.
ranked_reasons as (
    select
        source_table,
        rejection_reason,
        raw_rows,
        example_raw_row_id,
        row_number() over (
            partition by source_table
            order by raw_rows desc, rejection_reason asc
        ) as reason_rank
    from reasons
    where rejection_reason not in ('{{ history_rejection_reasons() | join("', '") }}')
),

top_reasons as (
    select
        source_table,
        concat_ws(
            ', ',
            max(case when reason_rank = 1 then rejection_reason || ' (' || cast(raw_rows as {{ dbt.type_string() }}) || ')' end),
            max(case when reason_rank = 2 then rejection_reason || ' (' || cast(raw_rows as {{ dbt.type_string() }}) || ')' end),
            max(case when reason_rank = 3 then rejection_reason || ' (' || cast(raw_rows as {{ dbt.type_string() }}) || ')' end)
        ) as top_reasons,
        max(case when reason_rank = 1 then example_raw_row_id end) as example_raw_row_id
    from ranked_reasons
    group by source_table
),

staged_customer_ids as (
    select distinct normalized_customer_id as customer_id
    from customers
    where rejection_reasons is null
),

orphans as (
    select
        'crm.orders' as source_table,
        count(*) as orphan_orders,
        min(orders.raw_row_id) as example_orphan_raw_row_id
    from orders
    left join staged_customer_ids
        on orders.normalized_customer_id = staged_customer_ids.customer_id
    where orders.rejection_reasons is null
        and staged_customer_ids.customer_id is null
),

shares as (
    select
        accounts.*,
        case when accounts.raw_rows > 0 then cast(accounts.defect_raw_rows as {{ type_double() }}) / accounts.raw_rows end
            as quarantined_share
    from accounts
),

final as (
    select
        shares.source_table,
        -- where the raw rows went: raw = staged + rejected + exact duplicates removed
        shares.raw_rows,
        shares.staged_rows,
        shares.rejected_rows,
        shares.exact_duplicates_removed,
        -- the quarantine share and how it compares
        shares.defect_raw_rows,
        shares.quarantined_share,
        thresholds.warn_share,
        thresholds.error_share,
        case
            when shares.quarantined_share > thresholds.error_share then 'error'
            when shares.quarantined_share > thresholds.warn_share then 'warn'
            else 'ok'
        end as quarantine_status,
        top_reasons.top_reasons,
        top_reasons.example_raw_row_id,
        -- orders of customers not (yet) in the CRM: staged, counted here
        orphans.orphan_orders,
        case when shares.staged_rows > 0 then cast(orphans.orphan_orders as {{ type_double() }}) / shares.staged_rows end
            as orphan_share,
        orphans.example_orphan_raw_row_id
    from shares
    inner join thresholds
        on shares.source_table = thresholds.source_table
    left join top_reasons
        on shares.source_table = top_reasons.source_table
    left join orphans
        on shares.source_table = orphans.source_table
)

select * from final
