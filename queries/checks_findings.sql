-- checks_findings: the findings of current reports, optionally for one year and/or one agency.
-- Parameters: $year (INTEGER or NULL = every year), $agency_id (INTEGER or NULL = every agency), $regions
--   (VARCHAR[] or NULL = every region: the home county by default in `nianbao check`).
-- Grain: one row per finding.
select f.finding_id, f.report_id, r.agency_name as agency, r.year, r.source_name, f.rule, f.severity, f.cells,
       f.message, f.status
from findings f
join current_reports r using (report_id)
join agencies_in_scope($regions, null, null) s on s.agency_id = r.agency_id
where ($year is null or r.year = $year)
  and ($agency_id is null or r.agency_id = $agency_id)
order by r.agency_name, r.year, case f.severity when 'error' then 0 when 'warning' then 1 else 2 end, f.rule,
         f.finding_id
