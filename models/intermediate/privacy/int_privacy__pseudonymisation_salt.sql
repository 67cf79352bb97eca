-- The secret salt of every pseudonymous id (profile ids, customer keys), one
-- row. It comes from the SEGMENTS_PSEUDONYMISATION_SALT environment variable
-- at run time and never from a var or a macro argument, so it is not written
-- into compiled SQL or dbt's artifacts: a dbt Python model reads it where
-- Python models run; elsewhere the engine substitutes it into the query
-- (environment_variable() says how, per engine). Unset, the public demo salt
-- is used and the models keyed on it warn.
-- Grain: one row.
{{ config(access='private', meta={'contains_pii': false, 'contains_secret': true}) }}
{%- set demo_salt = 'open-segments-demo-salt' %}
{%- if target_runs_python() %}
with

from_environment as (
    select * from {{ ref('int_privacy__salt_from_environment') }}
),

final as (
    select
        salt,
        is_demo_salt
    from from_environment
)

select * from final
{%- else %}
with

from_environment as (
    select
        coalesce(
            {{ environment_variable('SEGMENTS_PSEUDONYMISATION_SALT') }}, '{{ demo_salt }}'
        ) as salt
),

final as (
    select
        salt,
        salt = '{{ demo_salt }}' as is_demo_salt
    from from_environment
)

select * from final
{%- endif %}
