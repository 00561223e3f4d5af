-- review_scores: the current (published) report of every unit in scope for one year, with each of its standing
-- findings (open or confirmed), for the 年报质量评分 (dashboard/review/rounds.py year_scores).
-- Parameters: $year (INTEGER), $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL).
-- Grain: one row per (report, finding); a report without findings has one row with NULL finding columns.
with chosen as (
    select agency_id, coalesce(short_name, name) as short_name, kind
    from agencies_in_scope($regions, $kinds, $agency_ids)
),

reps as (
    select r.report_id, r.agency_id
    from reports r
    join chosen using (agency_id)
    where r.year = $year and r.superseded_by is null and r.draft is not true
)

select c.agency_id, c.short_name, c.kind, p.report_id, f.finding_id, f.rule, f.severity, f.message
from reps p
join chosen c using (agency_id)
left join findings f on f.report_id = p.report_id and f.status in ('open', 'confirmed')
order by c.short_name, f.finding_id
