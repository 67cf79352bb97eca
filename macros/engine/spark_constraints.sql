{#-
    Model contracts on Spark. dbt-spark enforces a `not_null` constraint with
    ALTER COLUMN ... SET NOT NULL, which only Delta tables support; a Parquet
    table (the default file format, and what a local session without the
    Delta jars can write) rejects it and the model fails. This override (dbt
    looks in the root project first) keeps Delta's way and, for other file
    formats, enforces the constraint by counting the column's nulls after
    the table is written: a contract broken by nulls still fails the model,
    naming the column.
-#}
{% macro spark__alter_column_set_constraints(relation, column_dict) %}
    {%- set delta = config.get('file_format', 'parquet') == 'delta' -%}
    {%- for column_name in column_dict -%}
        {%- set quoted_name = adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name -%}
        {%- for constraint in column_dict[column_name]['constraints'] if constraint.type == 'not_null' -%}
            {%- if delta -%}
                {%- call statement() -%}
                    alter table {{ relation }} change column {{ quoted_name }} set not null
                {%- endcall -%}
            {%- else -%}
                {%- set nulls = run_query('select count(*) from ' ~ relation ~ ' where ' ~ quoted_name ~ ' is null').columns[0].values()[0] -%}
                {%- if nulls > 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "Contract of " ~ relation ~ ": column " ~ column_name ~ " has " ~ nulls
                        ~ " null value(s) but a not_null constraint.") }}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}
