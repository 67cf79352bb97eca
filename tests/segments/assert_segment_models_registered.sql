-- Segment models and their declarations agree: every model under
-- models/marts/segments/rules/ declares a segment (config.meta.segment) of
-- kind `rule`, every model under models/marts/segments/ml/ one of kind
-- `cluster` or `model`, and every segment model has the generic test
-- segment_contract (macros/segments/contract.sql), which checks the columns
-- fct_segment_membership reads.
{%- set folders = {
    'models/marts/segments/rules/': ['rule'],
    'models/marts/segments/ml/': ['cluster', 'model'],
} %}
{%- set problems = [] %}
{%- if execute %}
{%- set registry = segment_registry() %}
{%- set contract_tested = [] %}
{%- for node in graph.nodes.values() if node.resource_type == 'test' and (node.test_metadata or {}).get('name') == 'segment_contract' %}
{%- do contract_tested.extend(node.depends_on.nodes) %}
{%- endfor %}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name %}
{%- set segment_id = node.name[4:] if node.name.startswith('seg_') else none %}
{%- set kind = registry[segment_id].kind if segment_id in registry else none %}
{%- for folder, allowed in folders.items() %}
{%- if node.original_file_path.replace('\\', '/').startswith(folder) and kind not in allowed %}
{%- do problems.append((node.name, 'segment model in ' ~ folder ~ ' without a config.meta.segment of kind ' ~ allowed | join(' or '))) %}
{%- endif %}
{%- endfor %}
{%- if kind and node.unique_id not in contract_tested %}
{%- do problems.append((node.name, 'segment model without the segment_contract test in its YAML entry')) %}
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
