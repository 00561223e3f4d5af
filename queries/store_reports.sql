-- store_reports: every stored report (current and superseded), with its agency and finding counts.
-- Parameters: none.
-- Grain: one row per report; `current` is false for a report superseded by a newer file for the same agency/year,
-- held (待核对), or 待认定 (no agency yet: shown as （待认定）).
with finding_counts as (
  select report_id,
         count(*) filter (where severity = 'error') as errors,
         count(*) filter (where severity = 'warning') as warnings,
         count(*) filter (where status = 'open') as open_findings
  from findings
  group by report_id
),
final as (
  select r.report_id,
         coalesce(a.name, case when r.held_reason like '待认定%' then '（待认定）' end) as agency,
         r.agency_printed, a.kind, a.region, r.year, r.template,
         r.applications_layout, r.format, r.source_name, r.ingested_at, r.superseded_by,
         (r.superseded_by is null and r.draft is not true) as current, coalesce(a.in_registry, false) as in_registry,
         coalesce(f.errors, 0) as errors, coalesce(f.warnings, 0) as warnings,
         coalesce(f.open_findings, 0) as open_findings
  from reports r
  left join agencies a using (agency_id)
  left join finding_counts f using (report_id)
)
select * from final
order by agency, year, report_id
