-- proofread_reports: current reports to proofread, those that need it first (uncertain cells, open errors, stale corrections).
-- Only the scope bar's scope ($regions, $kinds, $agency_ids), plus the report a link names ($report_id, or NULL);
-- the scope bar's $year first.
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year (INTEGER or NULL), $report_id (INTEGER or NULL).
-- Grain: one row per current report (report_id, agency, year, version, format, counts of what needs a decision).
with chosen as (
  select agency_id
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
unsure as (
  select report_id, count(*) as uncertain
  from effective_cells where flag in ('uncertain', 'placed_by_order', 'unreadable') group by report_id
),
open_findings as (
  select report_id, count(*) filter (where severity = 'error') as errors, count(*) as open_findings
  from findings where status = 'open' group by report_id
),
fixes as (
  select report_id, count(*) filter (where status = 'active') as corrections,
         count(*) filter (where status = 'stale') as stale
  from corrections group by report_id
),
final as (
  select r.report_id, r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.agency_name, r.year,
         r.template, r.applications_layout, r.format, r.source_name,
         coalesce(u.uncertain, 0) as uncertain, coalesce(f.errors, 0) as errors,
         coalesce(f.open_findings, 0) as open_findings, coalesce(x.corrections, 0) as corrections,
         coalesce(x.stale, 0) as stale
  from current_reports r
  left join unsure u using (report_id)
  left join open_findings f using (report_id)
  left join fixes x using (report_id)
  where r.agency_id in (select agency_id from chosen) or r.report_id = $report_id
)
select * from final
order by coalesce(year = $year, false) desc, (uncertain + errors + stale > 0) desc, year desc, short_name, report_id
