-- export_reports_of_year: the current reports of one year for a chosen set of agencies, with their finding counts.
-- Parameters: $year (INTEGER), $agency_ids (INTEGER[] or NULL = every agency).
-- Grain: one row per current report; dismissed findings are not counted.
with counts as (
  select report_id,
         count(*) filter (where severity = 'error' and status <> 'dismissed') as errors,
         count(*) filter (where severity = 'warning' and status <> 'dismissed') as warnings
  from findings
  group by report_id
),
final as (
  select r.report_id, r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.agency_name, r.kind,
         r.region, r.year, r.template, r.format, r.source_name, r.simulated,
         coalesce(c.errors, 0) as errors, coalesce(c.warnings, 0) as warnings
  from current_reports r left join counts c using (report_id)
  where r.year = $year
    and ($agency_ids is null or list_contains($agency_ids, r.agency_id))
)
select * from final order by kind, short_name
