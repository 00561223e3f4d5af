-- review_report_record: one stored version's canonical record (parse_json), for the 审核意见书's quotations.
-- Parameters: $report_id (INTEGER).
-- Grain: at most one row.
select report_id, parse_json from reports where report_id = $report_id
