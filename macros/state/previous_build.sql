{#- The calling model's table as the previous build left it, for models that
    carry state from run to run (stable profile ids, membership history).
    None on the first build, under --full-refresh and while parsing. -#}
{% macro previous_build() %}
    {%- if execute and not flags.FULL_REFRESH -%}
        {{ return(adapter.get_relation(this.database, this.schema, this.identifier)) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
