-- scope_indicator_totals: the total of every indicator per year over one scope, suspect values left out unless asked.
-- A plain indicator is the sum over the scope's current reports that state it. A ratio (实质公开率, 复议纠错率) is
-- sum(numerators) / sum(denominator) over the reports that state its denominator — a rate is never summed.
-- Amounts whose unit the format does not fix (unit '按原件', 政府集中采购金额) are never summed: value NULL.
-- A value is suspect when a finding doubts one of its cells (view suspect_values, dashboard/store/scope_views.py);
-- it is left out of value and counted in held_back unless $include_suspect.
-- Parameters: $regions (VARCHAR[] or NULL = every region), $kinds (VARCHAR[] or NULL), $agency_ids (INTEGER[] or
--   NULL), $include_suspect (BOOLEAN), $year_from, $year_to (INTEGER).
-- Grain: one row per (year, indicator) with at least one report; value NULL when no counted report states it.
--   reports = reports counted; held_back = suspect values left out; reports_2019 / reports_2021 = counted reports
--   by version of the format (a year with both is one total over both, with a note).
with chosen as (
  select agency_id
  from agencies_in_scope($regions, $kinds, $agency_ids)
),
vals as (
  select i.year, i.report_id, i.indicator, i.template, i.value,
         s.report_id is not null and not $include_suspect as held
  from indicators i
  join chosen using (agency_id)
  left join suspect_values s on s.report_id = i.report_id and s.indicator = i.indicator
  where i.year between $year_from and $year_to
),
plain as (
  select v.year, v.indicator,
         case when any_value(d.unit) = '按原件' then null else sum(v.value) filter (where not v.held) end as value,
         count(v.value) filter (where not v.held) as reports,
         count(v.value) filter (where v.held) as held_back,
         count(v.value) filter (where not v.held and v.template = '2019') as reports_2019,
         count(v.value) filter (where not v.held and v.template = '2021') as reports_2021
  from vals v join indicator_defs d using (indicator)
  where v.indicator not in (select indicator from indicator_ratios)
  group by v.year, v.indicator
),
ratio_parts as (
  select v.year, v.report_id, q.indicator, any_value(v.template) as template,
         sum(v.value) filter (where list_contains(q.numerators, v.indicator)) as num,
         max(v.value) filter (where v.indicator = q.denominator) as den,
         bool_or(v.held) as held
  from vals v join indicator_ratios q on list_contains(q.numerators, v.indicator) or v.indicator = q.denominator
  group by v.year, v.report_id, q.indicator
),
ratios as (
  select year, indicator,
         coalesce(sum(num) filter (where den is not null and not held), 0)
           / nullif(sum(den) filter (where den is not null and not held), 0) as value,
         count(den) filter (where not held) as reports,
         count(den) filter (where held) as held_back,
         count(den) filter (where not held and template = '2019') as reports_2019,
         count(den) filter (where not held and template = '2021') as reports_2021
  from ratio_parts
  group by year, indicator
),
final as (
  select * from plain
  union all
  select * from ratios
)
select * from final order by indicator, year
