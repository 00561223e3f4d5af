-- detail_report_cells: every cell of one report as stored (number, printed text, flag, unit).
-- Parameters: $report_id (INTEGER).
-- Grain: one row per (tbl, row_code, col_code). value NULL = blank or placeholder in the source (see flag).
select tbl, row_code, col_code, value, printed, flag, unit
from cells
where report_id = $report_id
order by tbl, row_code, col_code
