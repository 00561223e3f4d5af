-- store_agencies: the agencies known to the database (registry rows and printed names not in the registry).
-- Parameters: none.
-- Grain: one row per agency; `in_registry` false marks a name that matched no registry entry (UNKNOWN_AGENCY).
with report_counts as (
  select agency_id, count(*) as reports, min(year) as first_year, max(year) as last_year
  from current_reports
  group by agency_id
),
final as (
  select a.agency_id, a.name, a.short_name, a.kind, a.region, a.aliases, coalesce(a.in_registry, false) as in_registry,
         a.simulated, coalesce(c.reports, 0) as reports, c.first_year, c.last_year
  from agencies a left join report_counts c using (agency_id)
)
select * from final
order by in_registry, region, kind, name
