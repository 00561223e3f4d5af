-- detail_report_findings: the findings of one report, errors first, with the cells they point at.
-- Parameters: $report_id (INTEGER).
-- Grain: one row per finding.
select finding_id, rule, severity, cells, message, status, reviewed_by, reviewed_at
from findings
where report_id = $report_id
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, rule, finding_id
