-- app_indicator_defs: the indicators the dashboard offers, with Chinese name, unit, definition and series note.
-- Parameters: none.
-- Grain: one row per indicator (order of dashboard/store/indicators.py is kept by rowid).
select indicator, name_zh, unit, definition_zh, series_note_zh, formula
from indicator_defs
order by rowid
