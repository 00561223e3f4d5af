-- overview_reports_by_year: per year, the reports received and the reports expected, for agencies of chosen kinds.
-- An agency is expected in a year when it is in the registry and the year is within its expected_from–expected_to
-- (NULL = open), or when it published a report in that year or in both an earlier and a later year (so a unit
-- that was founded or merged away is not counted as missing).
-- Parameters: $kinds (VARCHAR[] or NULL = every kind).
-- Grain: one row per year of the database's year range.
with years as (
  select range as year
  from range((select min(year) from reports), (select max(year) from reports) + 1)
),
chosen as (
  select agency_id, in_registry, expected_from, expected_to
  from agencies
  where $kinds is null or list_contains($kinds, kind)
),
spans as (
  select agency_id, min(year) as first_year, max(year) as last_year
  from reports where superseded_by is null group by agency_id
),
received as (
  select r.year, count(*) as received, count(distinct r.agency_id) as agencies_reporting
  from reports r join chosen using (agency_id)
  where r.superseded_by is null
  group by r.year
),
superseded as (
  select r.year, count(*) as superseded
  from reports r join chosen using (agency_id)
  where r.superseded_by is not null
  group by r.year
),
expected as (
  select y.year, count(*) as expected
  from years y join chosen c on true left join spans s using (agency_id)
  where (coalesce(c.in_registry, false) and y.year between coalesce(c.expected_from, y.year)
                                                        and coalesce(c.expected_to, y.year))
                   or y.year between s.first_year and s.last_year
  group by y.year
),
final as (
  select y.year, coalesce(r.received, 0) as received, coalesce(e.expected, 0) as expected,
         coalesce(r.agencies_reporting, 0) as agencies_reporting, coalesce(s.superseded, 0) as superseded
  from years y
  left join received r using (year)
  left join expected e using (year)
  left join superseded s using (year)
)
select * from final order by year
