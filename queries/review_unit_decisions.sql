-- review_unit_decisions: the office's decisions on one unit's submissions in a round, oldest first.
-- Parameters: $round_id (INTEGER), $agency_id (INTEGER).
-- Grain: one row per decision.
select decision_id, report_id, action, opinion, who, "at"
from review_decisions
where round_id = $round_id and agency_id = $agency_id
order by "at", decision_id
