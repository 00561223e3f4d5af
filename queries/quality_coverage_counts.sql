-- quality_coverage_counts: how many agency-years of one scope are published, superseded, missing or not yet due,
-- by the rules of quality_coverage.
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to, $due_through (MAP(VARCHAR, INTEGER): the latest due year of each kind, '' for any other;
--   dashboard.scope.due_map).
-- Grain: one row per status.
with chosen as (
  select agency_id, kind,
         coalesce(map_extract_value($due_through, kind), map_extract_value($due_through, '')) as due_through
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
final as (
  select case when g.report_id is not null and g.versions > 1 then 'superseded'
              when g.report_id is not null then 'published'
              when g.owed and g.year <= c.due_through then 'missing'
              when g.owed then 'not_due'
         end as status,
         count(*) as agency_years
  from chosen c join agency_years g using (agency_id)
  where g.year between $year_from and $year_to
  group by 1
)
select * from final where status is not null order by status
