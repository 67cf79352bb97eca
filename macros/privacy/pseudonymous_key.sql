{#- A pseudonymous key for an internal id: the SHA-256 of the id salted with
    var `pseudonymisation_salt` (from the SEGMENTS_PSEUDONYMISATION_SALT
    environment variable). The same id and salt always give the same key, so
    marts and exports join across builds; without the salt, nobody can go
    from a key back to the profile, or compute a key from a guessed id. -#}
{% macro pseudonymous_key(expr) -%}
    {{ sha256_hex(dbt.concat(["'" ~ var('pseudonymisation_salt') | replace("'", "''") ~ "|'", expr])) }}
{%- endmacro %}
