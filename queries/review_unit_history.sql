-- review_unit_history: every submission and published version of one unit's report for a year, oldest first,
-- with the record (parse_json) to compare two submissions (dashboard/review/diff.py).
-- Parameters: $agency_id (INTEGER), $year (INTEGER).
-- Grain: one row per stored version (held versions left out).
select report_id, coalesce(draft, false) as draft, submitted_at, ingested_at, superseded_by, source_name, format,
       parse_json
from reports
where agency_id = $agency_id and year = $year and held is not true
order by coalesce(submitted_at, ingested_at), report_id
