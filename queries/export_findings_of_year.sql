-- export_findings_of_year: the findings of the current reports of one year for a chosen set of agencies.
-- Parameters: $year (INTEGER), $agency_ids (INTEGER[] or NULL = every agency).
-- Grain: one row per finding (every status; the export leaves out the dismissed ones and says how many).
with final as (
  select f.finding_id, f.report_id, r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.kind,
         r.year, f.rule, f.severity, f.cells, f.message, f.status
  from findings f join current_reports r using (report_id)
  where r.year = $year
    and ($agency_ids is null or list_contains($agency_ids, r.agency_id))
)
select * from final
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, rule, short_name, finding_id
