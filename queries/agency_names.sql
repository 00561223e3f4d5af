-- agency_names: every stored agency with the names it may be called by (for finding one by a name typed by hand).
-- Parameters: none.
-- Grain: one row per agency; aliases is a list (empty when none). Order: registry agencies first, then printed names
-- that matched no registry entry, each by id — the first row a typed name matches is the one it means.
select agency_id, name, coalesce(short_name, '') as short_name, coalesce(aliases, []::varchar[]) as aliases
from agencies
order by coalesce(in_registry, false) desc, agency_id
