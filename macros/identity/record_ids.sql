{#-
    A record's id in identity resolution is '<record_source>:<record_key>'
    (int_identity__records): one string that names the record in every
    source. Source names hold no ':', so the source is everything before the
    first ':' and the key everything after it (a key may itself hold ':').
-#}
{% macro record_id(record_source, record_key) -%}
    {{ dbt.concat([record_source, "':'", record_key]) }}
{%- endmacro %}

{% macro record_source_of(record_id) -%}
    {{ dbt.split_part(record_id, "':'", 1) }}
{%- endmacro %}

{% macro record_key_of(record_id) -%}
    substring({{ record_id }}, {{ dbt.position("':'", record_id) }} + 1)
{%- endmacro %}
