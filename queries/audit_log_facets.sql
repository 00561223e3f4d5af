-- audit_log_facets: the people and actions present in the audit trail (filter choices of 操作记录).
-- Parameters: none.
-- Grain: one row per (kind, value): kind 'who' or 'action', with its number of rows.
select 'who' as kind, who as value, count(*) as n from audit_log group by who
union all
select 'action', action, count(*) from audit_log group by action
order by kind, n desc
