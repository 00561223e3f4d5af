-- auth_user_hash: the role and argon2 hash of one login (to verify a password; never shown).
-- Parameters: $login (VARCHAR).
-- Grain: zero or one row (name, role, password_hash).
select name, role, password_hash
from users
where name = $login
