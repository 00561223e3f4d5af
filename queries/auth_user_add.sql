-- auth_user_add: create one login.
-- Parameters: $name (VARCHAR), $role ('查看' | '编辑' | '管理'), $password_hash (VARCHAR, argon2).
-- Grain: inserts one row of users (fails if the name exists).
insert into users (name, role, password_hash, created_at, updated_at)
values ($name, $role, $password_hash, now()::timestamp, now()::timestamp)
