-- review_round_units: every unit expected in a year's review round, with its submissions (drafts), its published
-- version and the office's latest decision. Expected: registry agencies owing the year, and any agency that sent a
-- report for it; limited to the round's region when it has one. The status is derived from these in
-- dashboard/review/rounds.py.
-- Parameters: $year (INTEGER), $region (VARCHAR or NULL = every region), $round_id (INTEGER).
-- Grain: one row per unit.
with units as (
    select agency_id from agencies
    where coalesce(in_registry, false)
      and $year between coalesce(expected_from, $year) and coalesce(expected_to, $year)
    union
    select agency_id from reports where year = $year and held is not true
),

subs as (
    select agency_id, count(*) as submissions,
           max(report_id) filter (where draft and superseded_by is null) as draft_id,
           min(submitted_at) as first_submitted, max(submitted_at) as last_submitted
    from reports
    where year = $year and submitted_at is not null
    group by agency_id
),

pub as (
    select agency_id, report_id as published_id, ingested_at as published_ingested_at,
           try_cast(parse_json ->> 'page_date' as date) as page_date,
           try_cast(parse_json ->> 'printed_date' as date) as printed_date
    from reports
    where year = $year and superseded_by is null and draft is not true
),

page as (
    select report_id as published_id, min(published) as collected_page_date
    from collect_log where report_id is not null
    group by report_id
),

decisions as (
    select agency_id, report_id as decided_report_id, action as decision, opinion, who as decided_by,
           "at" as decided_at,
           row_number() over (partition by agency_id order by "at" desc, decision_id desc) as nth
    from review_decisions
    where round_id = $round_id
),

final as (
    select a.agency_id, a.name, coalesce(a.short_name, a.name) as short_name, a.kind, a.region,
           coalesce(s.submissions, 0) as submissions, s.draft_id, s.first_submitted, s.last_submitted,
           p.published_id,
           -- the page's date (collect), else the date printed in the report, else the day the office marked it
           coalesce(g.collected_page_date, p.page_date, p.printed_date,
                    case when d.decision = 'published' and d.decided_report_id = p.published_id
                         then d.decided_at::date end) as published_on,
           d.decided_report_id, d.decision, d.opinion, d.decided_by, d.decided_at
    from units u
    join agencies a using (agency_id)
    left join subs s using (agency_id)
    left join pub p using (agency_id)
    left join page g using (published_id)
    left join decisions d on d.agency_id = u.agency_id and d.nth = 1
    where ($region is null or a.region = $region)
)

select * from final
order by short_name
