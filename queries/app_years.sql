-- app_years: the report years in the database, with how many current reports each has.
-- Parameters: none.
-- Grain: one row per year.
with final as (
  select year, count(*) as reports
  from reports
  where superseded_by is null and draft is not true and year is not null
  group by year
)
select * from final order by year
