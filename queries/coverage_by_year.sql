-- coverage_by_year: per year of a range, how many reports one scope owes and how many it has received.
-- Owed (view agency_years): a registry agency within its expected_from–expected_to, or any agency between its
-- first and last report. A year is due when its deadline (31 January of the next year) has passed on the
-- installation's date ($due_through = the latest due year, dashboard.scope.due_through): before that nothing is
-- 缺报 and expected counts what is owed so far.
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to, $due_through (INTEGER).
-- Grain: one row per year of the range. received = current reports; expected = owed agency-years; missing =
--   owed, due and without a report; due = the year's deadline has passed.
with chosen as (
  select agency_id
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
grid as (
  select g.* from agency_years g join chosen using (agency_id)
  where g.year between $year_from and $year_to
),
final as (
  select y.year,
         coalesce(count(g.report_id), 0) as received,
         coalesce(count(*) filter (where g.owed or g.report_id is not null), 0) as expected,
         case when y.year <= $due_through
              then coalesce(count(*) filter (where g.owed and g.report_id is null), 0) else 0 end as missing,
         y.year <= $due_through as due
  from (select unnest(range($year_from, $year_to + 1)) as year) y
  left join grid g using (year)
  group by y.year
)
select * from final order by year
