-- detail_report_source: the file a report was read from, for download (dashboard.store.sources.read_source).
-- Parameters: $report_id (INTEGER).
-- Grain: one row (or none when the report does not exist). source_bytes is set only in databases not yet migrated;
-- source_stored = true means the file is in the source store under sha256.
select report_id, source_name, format, sha256, source_bytes, source_stored
from reports
where report_id = $report_id
