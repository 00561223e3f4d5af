-- detail_reports_of_agency: every stored report of one agency, current, superseded and held (待核对, with the
-- reason it did not become current), with its findings count.
-- Parameters: $agency_id (INTEGER).
-- draft: a unit's submission to the yearly review (never current); a later draft supersedes an earlier one.
-- Grain: one row per report (version); newest year first, the current version of a year before older ones.
with counts as (
  select report_id, count(*) as findings, count(*) filter (where status = 'open') as findings_open
  from findings
  group by report_id
),
final as (
  select r.report_id, r.year, r.template, r.applications_layout, r.agency_printed, r.source_name, r.format,
         r.ingested_at, r.superseded_by, (r.superseded_by is null and r.draft is not true) as is_current,
         coalesce(r.held, false) as held, coalesce(r.held_reason, '') as held_reason,
         coalesce(r.draft, false) as draft,
         coalesce(c.findings, 0) as findings, coalesce(c.findings_open, 0) as findings_open
  from reports r left join counts c using (report_id)
  where r.agency_id = $agency_id
)
select * from final order by year desc, is_current desc, ingested_at desc
