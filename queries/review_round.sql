-- review_round: the office's review round of one report year (dashboard/review/rounds.py), if one was opened.
-- Parameters: $year (INTEGER).
-- Grain: at most one row (the latest round opened for the year).
select round_id, year, title, region, draft_deadline, deadlines, opened_by, opened_at
from review_rounds
where year = $year
order by round_id desc
limit 1
