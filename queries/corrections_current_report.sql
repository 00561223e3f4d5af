-- corrections_current_report: the current (not superseded) report of one agency and year, with its version.
-- Parameters: $agency_id (INTEGER), $year (INTEGER).
-- Grain: zero or one row (report_id, template, layout).
select report_id, template, coalesce(applications_layout, template) as layout
from reports
where agency_id = $agency_id and year = $year and superseded_by is null and draft is not true
