-- quality_findings_by_rule_year: how many findings each rule raised per year, for current reports.
-- Parameters: $regions (VARCHAR[] or NULL = every region), $agency_ids (INTEGER[] or NULL), $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $statuses (VARCHAR[] or NULL = all).
-- Grain: one row per (rule, severity, year) that has findings.
with final as (
  select f.rule, f.severity, r.year, count(*) as findings
  from findings f join current_reports r using (report_id)
  where r.year between $year_from and $year_to
    and ($kinds is null or list_contains($kinds, r.kind))
    and ($regions is null or list_contains($regions, r.region))
    and ($agency_ids is null or list_contains($agency_ids, r.agency_id))
    and ($statuses is null or list_contains($statuses, f.status))
  group by all
)
select * from final order by rule, year
