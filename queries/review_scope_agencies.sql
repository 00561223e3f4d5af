-- review_scope_agencies: the agencies of a scope (the one scope definition, agencies_in_scope).
-- Parameters: $regions (VARCHAR[] or NULL), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or NULL).
-- Grain: one row per agency.
select agency_id from agencies_in_scope($regions, $kinds, $agency_ids)
