-- audit_log_list: the audit trail, newest first, filtered (操作记录 page and its CSV export).
-- Parameters: $date_from (DATE or NULL), $date_to (DATE or NULL), $who (VARCHAR or NULL), $actions (VARCHAR[] or NULL),
--             $text (VARCHAR or NULL: searched in the object and details), $limit (INTEGER).
-- Grain: one row per audit_log entry (at, who, action, object, before, after, details as JSON text).
select "at", who, action, object, cast(before as varchar) as before, cast(after as varchar) as after,
       cast(details as varchar) as details
from audit_entries
where ($date_from is null or "at" >= $date_from::date)
  and ($date_to is null or "at" < $date_to::date + interval 1 day)
  and ($who is null or who = $who)
  and ($actions is null or list_contains($actions, action))
  and ($text is null or contains(coalesce(object, '') || cast(details as varchar), $text))
order by "at" desc
limit $limit
