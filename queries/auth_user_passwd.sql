-- auth_user_passwd: set a login's password (and optionally its role).
-- Parameters: $name (VARCHAR), $password_hash (VARCHAR or NULL = keep), $role (VARCHAR or NULL = keep).
-- Grain: updates one row of users.
update users
set password_hash = coalesce($password_hash, password_hash), role = coalesce($role, role),
    updated_at = now()::timestamp
where name = $name
