-- auth_session_remove: forget one browser login (logout or expiry).
-- Parameters: $token_hash (VARCHAR).
-- Grain: deletes zero or one row of sessions.
delete from sessions where token_hash = $token_hash
