-- review_audit_finding: the audit-log entry of a reviewer's decision on a finding.
-- Parameters: $finding_id (INTEGER), $status (VARCHAR), $who (VARCHAR), $note (VARCHAR or NULL).
-- Grain: inserts one row of audit_log.
insert into audit_log ("at", who, action, details)
select now()::timestamp, $who, 'finding_' || $status,
       json_object('finding_id', finding_id, 'report_id', report_id, 'rule', rule, 'status', $status,
                   'previous_status', status, 'note', $note)
from findings
where finding_id = $finding_id
