-- auth_sessions_of_user_remove: end every browser login of a user (password or role changed, user removed).
-- Parameters: $login (VARCHAR).
-- Grain: deletes the sessions rows of that user.
delete from sessions where name = $login
