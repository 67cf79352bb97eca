-- Segment models and the registry agree: every model under
-- models/marts/segments/rules/ has an entry of kind `rule` in var
-- segment_registry, and every model under models/marts/segments/ml/ one of
-- kind `cluster` or `model`. (A registry entry without its model already
-- fails to compile; this catches the other way.)
{%- set kinds = {} %}
{%- for segment_id, segment in var('segment_registry').items() %}
{%- do kinds.update({'seg_' ~ segment_id: segment.kind}) %}
{%- endfor %}
{%- set folders = {
    'models/marts/segments/rules/': ['rule'],
    'models/marts/segments/ml/': ['cluster', 'model'],
} %}
{%- set problems = [] %}
{%- if execute %}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name %}
{%- for folder, allowed in folders.items() %}
{%- if node.original_file_path.replace('\\', '/').startswith(folder) and kinds.get(node.name) not in allowed %}
{%- do problems.append((node.name, 'segment model in ' ~ folder ~ ' without a segment_registry entry of kind ' ~ allowed | join(' or '))) %}
{%- endif %}
{%- endfor %}
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
