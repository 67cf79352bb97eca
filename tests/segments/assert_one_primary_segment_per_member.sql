-- Every profile with a segment has exactly one primary segment.
select
    profile_id,
    sum(case when is_primary then 1 else 0 end) as primary_segments
from {{ ref('fct_segment_membership') }}
group by profile_id
having sum(case when is_primary then 1 else 0 end) <> 1
