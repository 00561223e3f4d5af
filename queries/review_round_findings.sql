-- review_round_findings: the problems of the reports a round looks at (each unit's latest draft or its published
-- version) that still stand: open or confirmed (a dismissed or resolved one is not held against the unit).
-- Parameters: $report_ids (INTEGER[]).
-- Grain: one row per finding.
select f.finding_id, f.report_id, f.rule, f.severity, f.cells, f.message, f.status
from findings f
where list_contains($report_ids, f.report_id) and f.status in ('open', 'confirmed')
order by f.report_id, case f.severity when 'error' then 0 when 'warning' then 1 else 2 end, f.finding_id
