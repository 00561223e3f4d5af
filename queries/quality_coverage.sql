-- quality_coverage: the agency × year matrix of publication: published, superseded (published, with an older
-- version replaced), missing (expected but absent, as in overview_reports_by_year), or NULL (not expected).
-- Parameters: $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL), $limit (INTEGER: how many agencies,
--   those with the most missing years first).
-- Grain: one row per (agency of the chosen kinds, year of the range); agencies beyond $limit are left out
--   (quality_coverage_counts counts them all).
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind, in_registry, expected_from, expected_to
  from agencies
  where $kinds is null or list_contains($kinds, kind)
),
years as (select range as year from range($year_from, $year_to + 1)),
spans as (
  select agency_id, min(year) as first_year, max(year) as last_year
  from reports where superseded_by is null group by agency_id
),
versions as (
  select agency_id, year, count(*) as versions, max(report_id) filter (where superseded_by is null) as report_id
  from reports
  where year between $year_from and $year_to
  group by agency_id, year
),
matrix as (
  select c.agency_id, c.short_name, c.kind, y.year, v.report_id, coalesce(v.versions, 0) as versions,
         case when v.report_id is not null and v.versions > 1 then 'superseded'
              when v.report_id is not null then 'published'
              when (coalesce(c.in_registry, false) and y.year between coalesce(c.expected_from, y.year)
                                                        and coalesce(c.expected_to, y.year))
                   or y.year between s.first_year and s.last_year then 'missing'
         end as status
  from chosen c cross join years y
  left join spans s using (agency_id)
  left join versions v on v.agency_id = c.agency_id and v.year = y.year
),
ranked as (
  select agency_id, count(*) filter (where status = 'missing') as missing
  from matrix group by agency_id
  order by missing desc, agency_id limit $limit
),
final as (
  select m.*, r.missing as missing_years from matrix m join ranked r using (agency_id)
)
select * from final order by missing_years desc, kind, short_name, year
