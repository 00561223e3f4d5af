-- auth_failed_logins: how many logins failed recently, for one account and for one network address.
-- Failed logins are rows of the audit trail (action 'login_failed', details.login and details.address), so the
-- limit and the record are one thing.
-- Parameters: $login (VARCHAR), $address (VARCHAR), $seconds (INTEGER, the window looked back over).
-- Grain: one row: by_login, by_address (counts within the window), last_at (the latest failure, either kind).
select
  count(*) filter (where details->>'login' = $login) as by_login,
  count(*) filter (where details->>'address' = $address) as by_address,
  max("at") as last_at
from audit_log
where action = 'login_failed'
  and "at" >= now()::timestamp - to_seconds($seconds)
