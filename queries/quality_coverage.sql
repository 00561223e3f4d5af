-- quality_coverage: the agency × year matrix of publication for one scope: published, superseded (published, an
-- older version replaced), missing (owed, due and absent), not_due (owed, deadline not passed yet), or NULL (not
-- owed). Owed as in coverage_by_year (view agency_years).
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to, $due_through (MAP(VARCHAR, INTEGER): the latest due year of each kind, '' for any other;
--   dashboard.scope.due_map), $limit (INTEGER: how many agencies, most missing years first).
-- Grain: one row per (agency of the scope, year of the range); agencies beyond $limit are left out
--   (quality_coverage_counts counts them all).
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind,
         coalesce(map_extract_value($due_through, kind), map_extract_value($due_through, '')) as due_through
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
matrix as (
  select c.agency_id, c.short_name, c.kind, g.year, g.report_id, g.versions,
         case when g.report_id is not null and g.versions > 1 then 'superseded'
              when g.report_id is not null then 'published'
              when g.owed and g.year <= c.due_through then 'missing'
              when g.owed then 'not_due'
         end as status
  from chosen c join agency_years g using (agency_id)
  where g.year between $year_from and $year_to
),
ranked as (
  select agency_id, count(*) filter (where status = 'missing') as missing
  from matrix group by agency_id
  having count(status) > 0
  order by missing desc, agency_id limit $limit
),
final as (
  select m.*, r.missing as missing_years from matrix m join ranked r using (agency_id)
)
select * from final order by missing_years desc, kind, short_name, year
