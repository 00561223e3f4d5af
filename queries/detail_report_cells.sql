-- detail_report_cells: every cell of one report with its current value (parsed, or as corrected by a person).
-- Parameters: $report_id (INTEGER).
-- Grain: one row per (tbl, row_code, col_code). value NULL = blank or placeholder in the source (see flag).
-- corrected = a person's correction applies (人工更正): parsed_value is what was read; corrected_by/at, reason,
-- correction_before (the value it replaced) are its trail.
select tbl, row_code, col_code, value, printed, flag, unit, corrected, parsed_value, parsed_flag, corrected_by,
       corrected_at, correction_reason, correction_before, correction_kind
from effective_cells
where report_id = $report_id
order by tbl, row_code, col_code
