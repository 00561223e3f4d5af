-- review_report_layout: the format version of one stored version (section 二's and section 三's layout), to lay its
-- tables out as printed on the 审核 page.
-- Parameters: $report_id (INTEGER).
-- Grain: at most one row.
select report_id, template, coalesce(applications_layout, template) as applications_layout
from reports where report_id = $report_id
