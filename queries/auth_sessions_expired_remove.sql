-- auth_sessions_expired_remove: forget browser logins whose time is up.
-- Parameters: none.
-- Grain: deletes the expired rows of sessions.
delete from sessions where expires_at < now()::timestamp
