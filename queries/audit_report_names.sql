-- audit_report_names: every stored report's unit and year, so that the 操作记录 names "报告 59" as 西营镇 2021年报告.
-- Parameters: none.
-- Grain: one row per report (every version).
select r.report_id, coalesce(a.short_name, a.name, r.agency_printed) as short_name, r.year
from reports r left join agencies a using (agency_id)
order by r.report_id
