-- Warns (var ml_unserved_model: warn) or fails the build (error) when an ML
-- model does not score profiles because it failed a quality gate: its
-- scores are null and its segment is empty, which a user should hear about
-- rather than find in an empty audience. Each model and its reason is
-- printed in the build's log, not only counted.
{{ config(enabled=python_models_enabled(), severity=var('ml_unserved_model')) }}
{%- set gates = load_relation(ref('ml_model_gates')) if execute else none %}
{%- if gates is not none %}
{%- set unserved = run_query(
    "select model_name, reason from " ~ gates ~ " where not is_served order by model_name"
) %}
{%- for model_name, reason in unserved.rows %}
{{- log("ml_model_gates: model " ~ model_name ~ " not served: " ~ reason, info=True) }}
{%- endfor %}
{%- endif %}

select
    model_name,
    target,
    reason
from {{ ref('ml_model_gates') }}
where not is_served
