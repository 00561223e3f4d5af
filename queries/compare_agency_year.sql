-- compare_agency_year: one indicator for every agency of one scope and every year of a range.
-- value = sum($num) / sum($den) or sum($num), as in trend_indicator (dashboard.queries.indicator_params). A
-- suspect value (view suspect_values) is NULL with held = true unless $include_suspect.
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $year_from, $year_to (INTEGER), $regions (VARCHAR[] or
--   NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL = every agency of the scope),
--   $include_suspect (BOOLEAN).
-- Grain: one row per (agency, year, series) with a current report; value NULL when the report lacks the figure
--   or it is held back.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
per_report as (
  select i.agency_id, i.year, i.series,
         sum(i.value) filter (where list_contains($num, i.indicator)) as num,
         sum(i.value) filter (where i.indicator = $den) as den,
         bool_or(s.report_id is not null) and not $include_suspect as held
  from indicators i join chosen using (agency_id)
  left join suspect_values s on s.report_id = i.report_id and s.indicator = i.indicator
  where i.year between $year_from and $year_to
    and (list_contains($num, i.indicator) or i.indicator = $den)
  group by i.agency_id, i.year, i.report_id, i.series
),
final as (
  select p.agency_id, c.short_name, c.kind, p.year, p.series,
         case when p.held then null when $den is null then p.num else p.num / nullif(p.den, 0) end as value,
         p.held
  from per_report p join chosen c using (agency_id)
)
select * from final order by kind, short_name, year
