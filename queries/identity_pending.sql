-- identity_pending: the 待认定 reports — stored, held and not counted because their unit or year could not be
-- settled — with what the reader found (candidates and why each was not taken), newest first.
-- Parameters: none.
-- Grain: one row per 待认定 report.
select r.report_id, r.source_name, r.format, r.ingested_at, r.held_reason, r.year,
       r.parse_json ->> 'agency' as agency_read,
       cast(r.parse_json -> 'identity_candidates' as varchar) as candidates_json,
       (select count(*) from cells c where c.report_id = r.report_id and c.value is not null) as figures
from reports r
where coalesce(r.held, false) and r.held_reason like '待认定%'
order by r.ingested_at desc, r.report_id desc
