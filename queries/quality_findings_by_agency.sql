-- quality_findings_by_agency: the agencies with the most findings over a range of years (current reports).
-- Parameters: $regions (VARCHAR[] or NULL = every region), $agency_ids (INTEGER[] or NULL), $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $statuses (VARCHAR[] or NULL = all),
--   $limit (INTEGER, how many agencies).
-- Grain: one row per agency, most findings first (errors counted apart).
with final as (
  select r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.kind, count(*) as findings,
         count(*) filter (where f.severity = 'error') as errors
  from findings f join current_reports r using (report_id)
  join agencies_in_scope($regions, $kinds, $agency_ids) s on s.agency_id = r.agency_id
  where r.year between $year_from and $year_to
    and ($statuses is null or list_contains($statuses, f.status))
  group by all
)
select * from final order by findings desc, errors desc, short_name limit $limit
