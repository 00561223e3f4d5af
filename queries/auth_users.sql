-- auth_users: every login of the dashboard, without password hashes.
-- Parameters: none.
-- Grain: one row per user (name, role, created_at, updated_at), by name.
select name, role, created_at, updated_at
from users
order by name
