-- quality_coverage_counts: how many agency-years are published, superseded (published, an older version
-- replaced) or missing, by the rules of quality_coverage.
-- Parameters: $year_from, $year_to (INTEGER), $kinds (VARCHAR[] or NULL).
-- Grain: one row per status.
with chosen as (
  select agency_id, in_registry, expected_from, expected_to from agencies where $kinds is null or list_contains($kinds, kind)
),
years as (select range as year from range($year_from, $year_to + 1)),
spans as (
  select agency_id, min(year) as first_year, max(year) as last_year
  from reports where superseded_by is null group by agency_id
),
versions as (
  select agency_id, year, count(*) as versions, count(*) filter (where superseded_by is null) as current
  from reports
  where year between $year_from and $year_to
  group by agency_id, year
),
final as (
  select case when v.current > 0 and v.versions > 1 then 'superseded'
              when v.current > 0 then 'published'
              when (coalesce(c.in_registry, false) and y.year between coalesce(c.expected_from, y.year)
                                                        and coalesce(c.expected_to, y.year))
                   or y.year between s.first_year and s.last_year then 'missing'
         end as status,
         count(*) as agency_years
  from chosen c cross join years y
  left join spans s using (agency_id)
  left join versions v on v.agency_id = c.agency_id and v.year = y.year
  group by 1
)
select * from final where status is not null order by status
