-- compare_ranking: the agencies of one scope ranked by one indicator in $year, with their rank the year before.
-- value = sum($num) / sum($den) or sum($num) (dashboard.queries.indicator_params). Rank 1 = largest value; the
-- previous rank is computed among the same agencies in $year - 1. Every agency that owes a report for a due $year
-- is listed: one without a report comes last with status 'missing' (未报); one whose value is suspect (view
-- suspect_values) is not ranked unless $include_suspect (status 'held'); a report that leaves the figure blank
-- has status 'blank'; a rate whose denominator is 0 has status 'uncomputable' (无法计算).
-- previous_status says why an agency has no previous rank (dashboard/checks/labels.py names each): 'not_expected'
-- (no report and not owed the year before: 新), 'missing' (owed, no report: 上年未报), 'held', 'blank',
-- 'uncomputable' as status; 'ranked' when it has one.
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $year, $due_through (MAP(VARCHAR, INTEGER): the latest due
--   year of each kind, '' for any other; dashboard.scope.due_map), $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL),
--   $agency_ids (INTEGER[] or NULL), $include_suspect (BOOLEAN).
-- Grain: one row per agency of the scope with a report in $year or owing one; status in ranked / held / blank /
--   uncomputable / missing.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind,
         coalesce(map_extract_value($due_through, kind), map_extract_value($due_through, '')) as due_through
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
per_report as (
  select i.agency_id, i.year,
         sum(i.value) filter (where list_contains($num, i.indicator)) as num,
         sum(i.value) filter (where i.indicator = $den) as den,
         bool_or(s.report_id is not null) as suspect
  from indicators i
  join chosen using (agency_id)
  left join suspect_values s on s.report_id = i.report_id and s.indicator = i.indicator
  where i.year in ($year, $year - 1)
    and (list_contains($num, i.indicator) or i.indicator = $den)
  group by i.agency_id, i.year, i.report_id
),
valued as (
  select agency_id, year, suspect,
         case when $den is null then num else num / nullif(den, 0) end as value,
         $den is not null and den = 0 as uncomputable,
         suspect and not $include_suspect as held
  from per_report
),
ranked as (
  select agency_id, year, value, rank() over (partition by year order by value desc) as rank
  from valued where value is not null and not held
),
owed as (
  select g.agency_id, g.report_id
  from agency_years g join chosen c using (agency_id)
  where g.year = $year and (g.report_id is not null or (g.owed and $year <= c.due_through))
),
final as (
  select cur.rank, prev.rank as previous_rank, c.agency_id, c.short_name, c.kind,
         case when not coalesce(v.held, false) then v.value end as value,
         case when not coalesce(pv.held, false) then pv.value end as previous,
         case when not coalesce(v.held, false) and not coalesce(pv.held, false) then v.value - pv.value end as change,
         case when o.report_id is null then 'missing'
              when v.held then 'held'
              when cur.rank is null and coalesce(v.uncomputable, false) then 'uncomputable'
              when cur.rank is null then 'blank'
              else 'ranked' end as status,
         case when py.report_id is null and coalesce(py.owed, false) then 'missing'
              when py.report_id is null then 'not_expected'
              when pv.held then 'held'
              when prev.rank is not null then 'ranked'
              when coalesce(pv.uncomputable, false) then 'uncomputable'
              else 'blank' end as previous_status,
         coalesce(v.suspect, false) as suspect
  from owed o
  join chosen c using (agency_id)
  left join valued v on v.agency_id = o.agency_id and v.year = $year
  left join valued pv on pv.agency_id = o.agency_id and pv.year = $year - 1
  left join ranked cur on cur.agency_id = o.agency_id and cur.year = $year
  left join ranked prev on prev.agency_id = o.agency_id and prev.year = $year - 1
  left join agency_years py on py.agency_id = o.agency_id and py.year = $year - 1
)
select * from final
order by case status when 'ranked' then 0 when 'held' then 1 when 'blank' then 2 when 'uncomputable' then 2 else 3 end, rank, short_name
