-- app_meta: the settings stored with the data (home_county, as_of; dashboard/scope.py).
-- Parameters: none.
-- Grain: one row per key.
select key, value from meta order by key
