-- review_set_finding_status: record a reviewer's decision on one finding (the dashboard's only write).
-- Parameters: $finding_id (INTEGER), $status ('confirmed' | 'dismissed' | 'open'), $who (VARCHAR).
-- Grain: updates one row of findings.
update findings
set status = $status, reviewed_by = $who, reviewed_at = now()::timestamp
where finding_id = $finding_id
