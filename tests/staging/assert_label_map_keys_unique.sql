-- A raw label maps to one label per domain; a second row would fan out the
-- staging joins and duplicate rows.
select
    domain,
    raw_label,
    count(*) as mappings
from {{ ref('label_map') }}
group by domain, raw_label
having count(*) > 1
