-- detail_report_source: the file a report was read from, as stored, for download.
-- Parameters: $report_id (INTEGER).
-- Grain: one row (or none when the report does not exist).
select report_id, source_name, format, sha256, source_bytes
from reports
where report_id = $report_id
