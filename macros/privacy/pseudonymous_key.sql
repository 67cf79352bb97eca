{#- A keyed hash of an internal id: SHA-256 of the salt and the id. `salt` is
    a SQL expression (a column of int_privacy__pseudonymisation_salt joined
    in), never a literal, so the secret stays out of compiled SQL. The same id
    and salt always give the same key; without the salt nobody can compute a
    key from a guessed id, or go back from a key to the id. -#}
{% macro pseudonymous_key(salt, expr) -%}
    {{ sha256_hex(dbt.concat([salt, "'|'", expr])) }}
{%- endmacro %}

{#- Warn, while building `model_name`, when the salt is the public demo one. -#}
{% macro warn_if_demo_salt(model_name) %}
    {%- if execute and env_var('SEGMENTS_PSEUDONYMISATION_SALT', '') == '' %}
        {%- do exceptions.warn(
            model_name ~ ': SEGMENTS_PSEUDONYMISATION_SALT is not set, so pseudonymous ids use the'
            ~ ' public demo salt and can be recomputed from guessed ids; set a secret salt before'
            ~ ' any mart or export leaves the warehouse.') %}
    {%- endif %}
{% endmacro %}
