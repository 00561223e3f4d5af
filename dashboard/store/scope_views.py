"""Derived views behind scoped figures: which stored values are suspect, and which agency owes which year.

**Suspect values** are the (report, indicator) pairs whose value reads a cell named by a finding that doubts the
number itself: any error-level finding (a sum that does not add up names its cells), a likely 元/万元 slip
(UNIT), or a cell the parser placed with doubt (PARSE warnings: placed by row order, fuzzy label, unreadable).
A reviewer's "dismissed" releases the value, and so does a correction that resolves the finding; "confirmed"
keeps it out. A ratio is suspect when any of its
components is. County totals leave them out unless the user asks (`$include_suspect`), and say how many.

**agency_years** is the agency × year grid from the first report year to this year: the current report, how
many versions were stored, and whether a report is owed — a registry agency within its expected_from–expected_to,
or any agency between its first and last report. Whether the year is *due* yet is a query parameter
($due_through, dashboard.scope.due_map: the latest due year of each kind), because it depends on the date.

These are views, rebuilt by dashboard.store.schema.refresh_derived when their text changes; findings are small,
so the join costs little at read time and a review takes effect at once.
"""

from __future__ import annotations

# Rules whose warnings doubt a number itself (errors always do). The one place this is decided.
SUSPECT_WARNING_RULES = ("UNIT", "PARSE")

SCOPE_VIEWS = f"""
-- "The agencies in scope": the one definition of a scope in SQL; every scoped query selects from it
-- (`from agencies_in_scope($regions, $kinds, $agency_ids)`). A NULL list means "every".
create or replace macro agencies_in_scope(regions, kinds, agency_ids) as table
select * from agencies
where (regions is null or list_contains(regions, region))
  and (kinds is null or list_contains(kinds, kind))
  and (agency_ids is null or list_contains(agency_ids, agency_id));

create or replace view suspect_cells as
select f.report_id, f.finding_id, f.rule, f.severity, f.status,
       split_part(c.cell, '.', 1) as tbl, split_part(c.cell, '.', 2) as row_code,
       nullif(split_part(c.cell, '.', 3), '') as col_code
from findings f, unnest(f.cells) as c(cell)
where f.status in ('open', 'confirmed')  -- dismissed by a reviewer, or resolved by a correction: released
  and (f.severity = 'error' or (f.severity = 'warning' and f.rule in {SUSPECT_WARNING_RULES!r}))
  and split_part(c.cell, '.', 1) in ('disclosure', 'applications', 'appeals');

create or replace view suspect_value_findings as
with direct as (
  select distinct s.report_id, m.indicator, s.finding_id, s.rule
  from suspect_cells s
  join reports r using (report_id)
  join indicator_cells m on m.tbl = s.tbl and m.row_code = s.row_code
                        and (s.col_code is null or m.col_code = s.col_code) and m.template = r.template
),
ratios as (
  select distinct d.report_id, q.indicator, d.finding_id, d.rule
  from direct d join indicator_ratios q on list_contains(q.numerators, d.indicator) or q.denominator = d.indicator
)
select * from direct union select * from ratios;

create or replace view suspect_values as
select distinct report_id, indicator from suspect_value_findings;

create or replace view agency_years as
with bounds as (
  -- from the first year anything is known of (a report, a registry agency's first owed year, and at the latest
  -- 2019, the first year of the national format this product reads) to this year
  select least(coalesce((select min(year) from reports), 2019),
               coalesce((select min(expected_from) from agencies), 2019), 2019) as lo,
         greatest(coalesce((select max(year) from reports), 0), year(current_date)) as hi
),
years as (select unnest(range(lo, hi + 1)) as year from bounds),
spans as (
  select agency_id, min(year) as first_year, max(year) as last_year
  from current_reports group by agency_id
),
versions as (
  select r.agency_id, r.year, count(*) as versions, max(c.report_id) as report_id
  from reports r left join current_reports c using (report_id)
  group by r.agency_id, r.year
)
select a.agency_id, y.year, v.report_id, coalesce(v.versions, 0) as versions,
       coalesce((coalesce(a.in_registry, false)
                 and y.year between coalesce(a.expected_from, y.year) and coalesce(a.expected_to, y.year))
                or y.year between s.first_year and s.last_year, false) as owed
from agencies a cross join years y
left join spans s using (agency_id)
left join versions v on v.agency_id = a.agency_id and v.year = y.year;
"""
