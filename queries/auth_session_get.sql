-- auth_session_get: the login a browser's cookie token stands for, if it has not expired and the user still exists.
-- Parameters: $token_hash (VARCHAR).
-- Grain: zero or one row (name, role, created_at, expires_at).
select s.name, u.role, s.created_at, s.expires_at
from sessions s join users u using (name)
where s.token_hash = $token_hash and s.expires_at > now()::timestamp
