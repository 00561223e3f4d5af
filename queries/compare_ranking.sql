-- compare_ranking: agencies of the chosen kinds ranked by one indicator in one year, with the year before.
-- value = sum($num) / sum($den) or sum($num) (dashboard.queries.indicator_params).
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $year (INTEGER), $kinds (VARCHAR[] or NULL).
-- Grain: one row per agency with a current report in $year; rank 1 = largest value; agencies whose report lacks
--   the figure come last with a NULL value and rank. previous is NULL when the series changed between the years.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind
  from agencies
  where $kinds is null or list_contains($kinds, kind)
),
per_report as (
  select i.agency_id, i.year, i.series,
         sum(i.value) filter (where list_contains($num, i.indicator)) as num,
         sum(i.value) filter (where i.indicator = $den) as den
  from indicators i join chosen using (agency_id)
  where i.year in ($year, $year - 1)
    and (list_contains($num, i.indicator) or i.indicator = $den)
  group by i.agency_id, i.year, i.report_id, i.series
),
valued as (
  select agency_id, year, series, case when $den is null then num else num / nullif(den, 0) end as value
  from per_report
),
final as (
  select case when cur.value is not null then rank() over (order by cur.value desc nulls last) end as rank,
         c.agency_id, c.short_name, c.kind, cur.series, cur.value, prev.value as previous,
         cur.value - prev.value as change
  from valued cur
  join chosen c using (agency_id)
  left join valued prev on prev.agency_id = cur.agency_id and prev.year = cur.year - 1 and prev.series = cur.series
  where cur.year = $year
)
select * from final order by rank nulls last, short_name
