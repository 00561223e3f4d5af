-- auth_session_add: remember a login for a browser (the sha256 of its cookie token), until it expires.
-- Parameters: $token_hash (VARCHAR), $login (VARCHAR), $seconds (INTEGER: lifetime).
-- Grain: inserts one row of sessions.
insert into sessions (token_hash, name, created_at, expires_at)
values ($token_hash, $login, now()::timestamp, now()::timestamp + to_seconds($seconds))
