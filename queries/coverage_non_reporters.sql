-- coverage_non_reporters: the 缺报名单 — agencies of one scope that owe a report for $year and have none.
-- Only an agency whose deadline for $year has passed is a non-reporter (its kind's due year, dashboard.scope.due_map); owed as in coverage_by_year.
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year, $due_through (MAP(VARCHAR, INTEGER): the latest due year of each kind, '' for any other;
--   dashboard.scope.due_map).
-- Grain: one row per non-reporting agency. missed_in_row = consecutive owed years without a report ending at
--   $year; last_year = the latest year of a current report (NULL: none ever).
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, name, kind, region,
         coalesce(map_extract_value($due_through, kind), map_extract_value($due_through, '')) as due_through
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
grid as (
  select g.*, c.due_through from agency_years g join chosen c using (agency_id) where g.year <= $year
),
missing_now as (
  select agency_id from grid where year = $year and owed and report_id is null and $year <= due_through
),
history as (
  select agency_id,
         max(year) filter (where report_id is not null) as last_year,
         max(year) filter (where not (owed and report_id is null)) as last_not_missing,
         min(year) as first_grid_year
  from grid where agency_id in (select agency_id from missing_now)
  group by agency_id
),
final as (
  select c.agency_id, c.short_name, c.name, c.kind, c.region,
         $year - coalesce(h.last_not_missing, h.first_grid_year - 1) as missed_in_row,
         h.last_year
  from missing_now m join chosen c using (agency_id) join history h using (agency_id)
)
select * from final order by missed_in_row desc, kind, short_name
