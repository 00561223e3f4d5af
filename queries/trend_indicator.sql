-- trend_indicator: one indicator over the years, for the county total or for each chosen agency.
-- The indicator is given as its components: value = sum($num) / sum($den) (ratio) or sum($num) ($den NULL),
-- built from dashboard/store/indicators.py by dashboard.queries.indicator_params.
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $agency_ids (INTEGER[] or NULL = county total over
--   $kinds), $kinds (VARCHAR[] or NULL = every kind).
-- Grain: one row per (agency_id — NULL for the county total —, year, series). A year without a figure has no
--   row or a NULL value, never 0. A change of series is a break of the trend.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name
  from agencies
  where ($kinds is null or list_contains($kinds, kind))
    and ($agency_ids is null or list_contains($agency_ids, agency_id))
),
per_report as (
  select i.agency_id, i.year, i.report_id, i.series,
         sum(i.value) filter (where list_contains($num, i.indicator)) as num,
         sum(i.value) filter (where i.indicator = $den) as den
  from indicators i join chosen using (agency_id)
  where list_contains($num, i.indicator) or i.indicator = $den
  group by i.agency_id, i.year, i.report_id, i.series
),
final as (
  select case when $agency_ids is null then null else p.agency_id end as agency_id,
         case when $agency_ids is null then '合计' else any_value(c.short_name) end as scope,
         p.year, p.series,
         case when $den is null then sum(p.num) else sum(p.num) / nullif(sum(p.den), 0) end as value,
         count(p.num) as reports
  from per_report p join chosen c using (agency_id)
  group by 1, p.year, p.series
)
select * from final order by scope, year, series
