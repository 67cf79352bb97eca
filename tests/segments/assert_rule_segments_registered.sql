-- Rule segment files and the registry agree: every model under
-- models/marts/segments/rules/ has an entry of kind `rule` in var
-- segment_registry, and every such entry has its model. (A registry entry
-- without its model already fails to compile; this catches the other way.)
{%- set registered = [] %}
{%- for segment_id, segment in var('segment_registry').items() if segment.kind == 'rule' %}
{%- do registered.append('seg_' ~ segment_id) %}
{%- endfor %}
{%- set problems = [] %}
{%- if execute %}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name %}
{%- if node.original_file_path.replace('\\', '/').startswith('models/marts/segments/rules/') and node.name not in registered %}
{%- do problems.append((node.name, 'rule model without a segment_registry entry of kind rule')) %}
{%- endif %}
{%- endfor %}
{%- endif %}
{%- if problems %}
{%- for model_name, problem in problems %}
select
    '{{ model_name }}' as model_name,
    '{{ problem }}' as problem
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- else %}
select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as problem
where 1 = 0
{%- endif %}
