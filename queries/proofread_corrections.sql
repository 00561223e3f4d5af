-- proofread_corrections: every correction of one report (all statuses), newest first, for 校对 and 单位详情.
-- Parameters: $report_id (INTEGER).
-- Grain: one row per correction (cell codes, before, after, who, when, reason, status, kind, carried_from).
select correction_id, tbl, row_code, col_code, value_before, value_after, parsed_value, who, "at", reason, status,
       kind, carried_from
from corrections
where report_id = $report_id
order by correction_id desc
