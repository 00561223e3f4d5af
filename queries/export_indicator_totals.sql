-- export_indicator_totals: totals of every summable indicator per year and series, for a chosen set of agencies.
-- The same sums as overview_indicators_by_year (which chooses agencies by kind); ratios (实质公开率, 复议纠错率)
-- are not summed here but recomputed from these totals by dashboard.queries.county_ratio, as the overview does.
-- Parameters: $agency_ids (INTEGER[] or NULL = every agency), $year_to (INTEGER: last year included).
-- Grain: one row per (year, indicator, series); value NULL when no report of that year states the figure.
with chosen as (
  select agency_id from agencies where $agency_ids is null or list_contains($agency_ids, agency_id)
),
final as (
  select i.year, i.indicator, i.series, sum(i.value) as value, count(i.value) as reports
  from indicators i join chosen using (agency_id)
  where i.year <= $year_to
    and i.indicator not in (select indicator from indicator_ratios)  -- a sum of rates means nothing
  group by i.year, i.indicator, i.series
)
select * from final order by indicator, year, series
