-- collect_publication: where and when each collected report was published, as `nianbao collect` found it.
-- The page's publication date (meta PubDate or "发布时间:" on the page; NULL when the page printed none) and the
-- first time a collect run fetched the report's file, from collect_log (dashboard/ingest/collect.py).
-- Parameters: $year (INTEGER or NULL = every year).
-- Grain: one row per stored report that a collect run fetched.
with found as (
    select report_id, unit, page_url, final_url, published, published_text, fetched_at,
           row_number() over (partition by report_id order by fetched_at) as nth
    from collect_log
    where report_id is not null
),

final as (
    select r.report_id, a.name as agency, r.year, f.unit as listed_unit, f.page_url, f.final_url as file_url,
           f.published, f.published_text, f.fetched_at as first_fetched_at, (r.superseded_by is null and r.draft is not true) as current
    from found f
    join reports r using (report_id)
    left join agencies a using (agency_id)
    where f.nth = 1 and ($year is null or r.year = $year)
)

select * from final
order by agency, year, report_id
