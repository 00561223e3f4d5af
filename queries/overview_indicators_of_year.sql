-- overview_indicators_of_year: totals of every summable indicator in $year and the year before, per series,
-- for agencies of the chosen kinds (the 总览 page; overview_indicators_by_year gives every year).
-- Ratios (实质公开率, 复议纠错率) are not summed here: they are recomputed from these totals with the formula of
-- dashboard/store/indicators.py (dashboard.queries.county_ratio).
-- Parameters: $year (INTEGER), $kinds (VARCHAR[] or NULL = every kind).
-- Grain: one row per (year, indicator, series); value NULL when no report of that year states the figure.
with final as (
  select i.year, i.indicator, i.series, sum(i.value) as value, count(i.value) as reports
  from indicators i
  where i.year between $year - 1 and $year
    and i.indicator not in (select indicator from indicator_ratios)  -- a sum of rates means nothing
    and ($kinds is null or i.agency_id in (select agency_id from agencies where list_contains($kinds, kind)))
  group by i.year, i.indicator, i.series
)
select * from final order by indicator, year, series
