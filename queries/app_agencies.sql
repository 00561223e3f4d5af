-- app_agencies: every agency with its kind, region and the years of its current reports.
-- Parameters: none.
-- Grain: one row per agency.
with spans as (
  select agency_id, count(*) as reports, min(year) as first_year, max(year) as last_year
  from reports
  where superseded_by is null and draft is not true
  group by agency_id
),
final as (
  select a.agency_id, a.name, coalesce(a.short_name, a.name) as short_name, a.kind, a.region,
         coalesce(a.simulated, false) as simulated, a.in_registry,
         coalesce(s.reports, 0) as reports, s.first_year, s.last_year
  from agencies a left join spans s using (agency_id)
)
select * from final order by kind, short_name
