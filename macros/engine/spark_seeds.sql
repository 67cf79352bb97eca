{#-
    Seeds on Spark. dbt-spark's `session` method fills the seed INSERT's
    bindings by Python string formatting, so an empty cell arrives as the
    text 'None' and a value with an apostrophe ("Can't lose them") breaks the
    statement. This override (dbt looks in the root project first) writes
    each value as an escaped Spark literal, and an empty cell as a typed null.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- if value is none -%}
                    {%- do values.append('cast(null as ' ~ types[loop.index0] ~ ')') -%}
                {%- else -%}
                    {%- set text = (value | string) | replace('\\', '\\\\') | replace("'", "\\'") -%}
                    {%- do values.append("cast('" ~ text ~ "' as " ~ types[loop.index0] ~ ")") -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ (values | join(', ')) ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ (rows | join(',\n')) -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
