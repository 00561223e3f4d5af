-- compare_ranking: the agencies of one scope ranked by one indicator in $year, with their rank the year before.
-- value = sum($num) / sum($den) or sum($num) (dashboard.queries.indicator_params). Rank 1 = largest value; the
-- previous rank is computed among the same agencies in $year - 1. Every agency that owes a report for a due $year
-- is listed: one without a report comes last with status 'missing' (未报); one whose value is suspect (view
-- suspect_values) is not ranked unless $include_suspect (status 'held'); a report that leaves the figure blank
-- has status 'blank'.
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $year, $due_through (INTEGER), $regions (VARCHAR[] or
--   NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL), $include_suspect (BOOLEAN).
-- Grain: one row per agency of the scope with a report in $year or owing one; status in ranked / held / blank /
--   missing.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind
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
         suspect and not $include_suspect as held
  from per_report
),
ranked as (
  select agency_id, year, value, rank() over (partition by year order by value desc) as rank
  from valued where value is not null and not held
),
owed as (
  select g.agency_id, g.report_id
  from agency_years g join chosen using (agency_id)
  where g.year = $year and (g.report_id is not null or (g.owed and $year <= $due_through))
),
final as (
  select cur.rank, prev.rank as previous_rank, c.agency_id, c.short_name, c.kind,
         case when not coalesce(v.held, false) then v.value end as value,
         case when not coalesce(pv.held, false) then pv.value end as previous,
         case when not coalesce(v.held, false) and not coalesce(pv.held, false) then v.value - pv.value end as change,
         case when o.report_id is null then 'missing'
              when v.held then 'held'
              when cur.rank is null then 'blank'
              else 'ranked' end as status,
         coalesce(v.suspect, false) as suspect
  from owed o
  join chosen c using (agency_id)
  left join valued v on v.agency_id = o.agency_id and v.year = $year
  left join valued pv on pv.agency_id = o.agency_id and pv.year = $year - 1
  left join ranked cur on cur.agency_id = o.agency_id and cur.year = $year
  left join ranked prev on prev.agency_id = o.agency_id and prev.year = $year - 1
)
select * from final
order by case status when 'ranked' then 0 when 'held' then 1 when 'blank' then 2 else 3 end, rank, short_name
