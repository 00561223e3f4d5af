-- review_rounds_list: the years that have a review round, newest first.
-- Parameters: none.
-- Grain: one row per year.
select year, max(round_id) as round_id from review_rounds group by year order by year desc
