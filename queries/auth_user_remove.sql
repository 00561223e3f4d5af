-- auth_user_remove: delete one login (its audit rows stay).
-- Parameters: $name (VARCHAR).
-- Grain: deletes one row of users.
delete from users
where name = $name
