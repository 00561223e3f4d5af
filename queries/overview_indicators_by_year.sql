-- overview_indicators_by_year: county totals of every summable indicator per year and series, for chosen kinds.
-- Ratios (实质公开率, 复议纠错率) are not summed here: they are recomputed from these totals with the formula of
-- dashboard/store/indicators.py (dashboard.queries.county_ratio).
-- Parameters: $kinds (VARCHAR[] or NULL = every kind).
-- Grain: one row per (year, indicator, series); value NULL when no report of that year states the figure.
with chosen as (
  select agency_id from agencies where $kinds is null or list_contains($kinds, kind)
),
final as (
  select i.year, i.indicator, i.series, sum(i.value) as value, count(i.value) as reports
  from indicators i join chosen using (agency_id)
  where i.indicator not in (select indicator from indicator_ratios)  -- a sum of rates means nothing
  group by i.year, i.indicator, i.series
)
select * from final order by indicator, year, series
