-- text_overview_sections: the 一、总体情况 text of one scope's current reports, for figures stated in words
-- (dashboard.parse.narrative_figures; shown as 正文所述, never mixed with table cells).
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL),
--   $year_from, $year_to (INTEGER).
-- Grain: one row per current report of the scope in the years (body NULL when the report has no such section).
with chosen as (
  select agency_id
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
final as (
  select r.report_id, r.agency_id, coalesce(r.short_name, r.agency_name) as short_name, r.kind, r.year, s.body
  from current_reports r
  join chosen using (agency_id)
  left join sections s on s.report_id = r.report_id and s.code = 'overview'
  where r.year between $year_from and $year_to
)
select * from final order by year, short_name
