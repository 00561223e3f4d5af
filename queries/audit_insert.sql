-- audit_insert: one row of the audit trail (who did what to which object, with before/after).
-- Parameters: $who (VARCHAR), $action (VARCHAR), $details (JSON text: object, before, after and any detail).
-- Grain: inserts one row of audit_log.
insert into audit_log ("at", who, action, details)
values (now()::timestamp, $who, $action, $details::json)
