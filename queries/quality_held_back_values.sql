-- quality_held_back_values: the values of one scope that county totals leave out as suspect, with the finding
-- that doubts each (view suspect_value_findings, dashboard/store/scope_views.py).
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to (INTEGER).
-- Grain: one row per (report, indicator) held back; rules and finding_ids list every finding behind it.
with chosen as (
  select agency_id, coalesce(short_name, name) as short_name, kind
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
held as (
  select i.report_id, i.agency_id, i.year, i.indicator, i.value
  from indicators i
  join chosen using (agency_id)
  join suspect_values s on s.report_id = i.report_id and s.indicator = i.indicator
  where i.year between $year_from and $year_to and i.value is not null
),
why as (
  select report_id, indicator, list(distinct rule order by rule) as rules, list(distinct finding_id order by finding_id) as finding_ids
  from suspect_value_findings where report_id in (select report_id from held)
  group by report_id, indicator
),
final as (
  select h.year, c.short_name, c.kind, h.agency_id, h.report_id, h.indicator, d.name_zh, d.unit, h.value,
         w.rules, w.finding_ids
  from held h join chosen c using (agency_id) join indicator_defs d using (indicator)
  left join why w using (report_id, indicator)
)
select * from final order by year desc, short_name, indicator
