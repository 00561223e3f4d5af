-- quality_findings_by_rule_year: how many findings each rule raised per year, for current reports.
-- Parameters: $regions (VARCHAR[] or NULL = every region), $agency_ids (INTEGER[] or NULL), $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $statuses (VARCHAR[] or NULL = all).
-- Grain: one row per (rule, severity, year) that has findings.
with final as (
  select f.rule, f.severity, r.year, count(*) as findings
  from findings f join current_reports r using (report_id)
  join agencies_in_scope($regions, $kinds, $agency_ids) s on s.agency_id = r.agency_id
  where r.year between $year_from and $year_to
    and ($statuses is null or list_contains($statuses, f.status))
  group by all
)
select * from final order by rule, year
