-- detail_report_sections: the narrative sections (一、五、六) of one report.
-- Parameters: $report_id (INTEGER).
-- Grain: one row per section code (overview, problems, other_matters).
select code, body
from sections
where report_id = $report_id
order by case code when 'overview' then 0 when 'problems' then 1 else 2 end
