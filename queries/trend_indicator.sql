-- trend_indicator: one indicator over the years, for the scope's total or for each chosen agency.
-- value = sum($num) / sum($den) (ratio, over the reports that state the denominator) or sum($num) ($den NULL),
-- built from dashboard/store/indicators.py by dashboard.queries.indicator_params. Both versions of the format are
-- one series where the catalogue says so; reports_2019 / reports_2021 say which version each year's figure
-- comes from (the chart marks the year the definition changed). Suspect values (view suspect_values) are left
-- out and counted in held_back unless $include_suspect.
-- Parameters: $num (VARCHAR[]), $den (VARCHAR or NULL), $per_agency (BOOLEAN: one line per chosen agency instead
--   of the total), $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $include_suspect (BOOLEAN).
-- Grain: one row per (agency_id — NULL for the total —, year) with a report stating the figure. A year without a
--   figure has no row or a NULL value, never 0.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
per_report as (
  select i.agency_id, i.year, i.report_id, any_value(i.template) as template,
         sum(i.value) filter (where list_contains($num, i.indicator)) as num,
         sum(i.value) filter (where i.indicator = $den) as den,
         bool_or(s.report_id is not null) and not $include_suspect as held
  from indicators i
  join chosen using (agency_id)
  left join suspect_values s on s.report_id = i.report_id and s.indicator = i.indicator
  where list_contains($num, i.indicator) or i.indicator = $den
  group by i.agency_id, i.year, i.report_id
),
counted as (
  select *, case when $den is null then num is not null else den is not null end as states
  from per_report
),
final as (
  select case when $per_agency then p.agency_id end as agency_id,
         case when $per_agency then any_value(c.short_name) else '合计' end as scope,
         p.year,
         case when $den is null then sum(p.num) filter (where not p.held)
              else coalesce(sum(p.num) filter (where p.states and not p.held), 0)
                   / nullif(sum(p.den) filter (where p.states and not p.held), 0) end as value,
         count(*) filter (where p.states and not p.held) as reports,
         count(*) filter (where p.states and p.held) as held_back,
         count(*) filter (where p.states and not p.held and p.template = '2019') as reports_2019,
         count(*) filter (where p.states and not p.held and p.template = '2021') as reports_2021
  from counted p join chosen c using (agency_id)
  group by 1, p.year
)
select * from final order by scope, year
