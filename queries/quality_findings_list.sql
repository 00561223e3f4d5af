-- quality_findings_list: the findings themselves (for review), newest year first, errors first, capped at $limit.
-- Parameters: $regions (VARCHAR[] or NULL = every region), $agency_ids (INTEGER[] or NULL), $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $statuses (VARCHAR[] or NULL),
--   $rules (VARCHAR[] or NULL = every rule), $limit (INTEGER).
-- Grain: one row per finding of a current report.
with final as (
  select f.finding_id, f.report_id, r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.kind,
         r.year, f.rule, f.severity, f.cells, f.message, f.status, f.reviewed_by, f.reviewed_at
  from findings f join current_reports r using (report_id)
  join agencies_in_scope($regions, $kinds, $agency_ids) s on s.agency_id = r.agency_id
  where r.year between $year_from and $year_to
    and ($statuses is null or list_contains($statuses, f.status))
    and ($rules is null or list_contains($rules, f.rule))
)
select * from final
order by year desc, case severity when 'error' then 0 when 'warning' then 1 else 2 end, short_name, finding_id
limit $limit
