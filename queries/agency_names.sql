-- agency_names: every stored agency with the names it may be called by (for finding one by a name typed by hand).
-- Parameters: none.
-- Grain: one row per agency; aliases is a list (empty when none).
select agency_id, name, coalesce(short_name, '') as short_name, coalesce(aliases, []::varchar[]) as aliases
from agencies
order by agency_id
