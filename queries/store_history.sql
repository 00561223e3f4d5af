-- store_history: every file stored for one agency and year, oldest first, and which one replaced which.
-- Parameters: $agency_id (INTEGER), $year (INTEGER).
-- Grain: one row per stored report of that agency and year; held (待核对) with the reason it was held.
select r.report_id, r.source_name, r.format, r.sha256, r.ingested_at, r.superseded_by,
       (r.superseded_by is null and r.draft is not true) as current, r.agency_printed, r.template,
       coalesce(r.draft, false) as draft, r.submitted_at,
       coalesce(r.held, false) as held, coalesce(r.held_reason, '') as held_reason
from reports r
where r.agency_id = $agency_id and r.year = $year
order by r.ingested_at, r.report_id
