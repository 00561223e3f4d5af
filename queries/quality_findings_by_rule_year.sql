-- quality_findings_by_rule_year: how many findings each rule raised per year, for current reports.
-- Parameters: $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $statuses (VARCHAR[] or NULL = all).
-- Grain: one row per (rule, severity, year) that has findings.
with final as (
  select f.rule, f.severity, r.year, count(*) as findings
  from findings f join current_reports r using (report_id)
  where r.year between $year_from and $year_to
    and ($kinds is null or list_contains($kinds, r.kind))
    and ($statuses is null or list_contains($statuses, f.status))
  group by all
)
select * from final order by rule, year
