-- coverage_by_year: per year of a range, how many reports one scope owes and how many it has received.
-- Owed (view agency_years): a registry agency within its expected_from–expected_to, or any agency between its
-- first and last report. An agency's year is due when the deadline of its kind (《条例》第四十九条: departments,
-- townships and streets 31 January, the county government 31 March of the next year; data/settings.toml) has
-- passed on the installation's date: before that it is not 缺报 and expected counts what is owed so far.
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to, $due_through (MAP(VARCHAR, INTEGER): the latest due year of each kind, '' for any other;
--   dashboard.scope.due_map).
-- Grain: one row per year of the range. received = current reports; expected = owed agency-years; missing =
--   owed, due and without a report; not_due = owed and the deadline of its kind not passed (with or without a
--   report); due = the deadline of every owed agency of the year has passed (true when none is owed).
with chosen as (
  select agency_id, kind,
         coalesce(map_extract_value($due_through, kind), map_extract_value($due_through, '')) as due_through
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
grid as (
  select g.*, c.due_through from agency_years g join chosen c using (agency_id)
  where g.year between $year_from and $year_to
),
final as (
  select y.year,
         coalesce(count(g.report_id), 0) as received,
         coalesce(count(*) filter (where g.owed or g.report_id is not null), 0) as expected,
         coalesce(count(*) filter (where g.owed and g.report_id is null and g.year <= g.due_through), 0) as missing,
         coalesce(count(*) filter (where g.owed and g.year > g.due_through), 0) as not_due,
         coalesce(bool_and(g.year <= g.due_through) filter (where g.owed), true) as due
  from (select unnest(range($year_from, $year_to + 1)) as year) y
  left join grid g using (year)
  group by y.year
)
select * from final order by year
