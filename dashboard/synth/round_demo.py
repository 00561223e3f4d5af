"""The demo's 2025 review round, under way on the demo's date (as of 27 January 2026: the drafts' deadline of 20
January has passed, the publication deadline of 31 January has not): drafts with a planted problem of each kind
(a missing row, 六 without the fee, 一 and 五 copied from last year, copied from a neighbour, a draft sent late),
some returned and resubmitted with the fix, some passed, some published, and some units with nothing in yet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dashboard.ingest.drafts import ingest_draft_items
from dashboard.ingest.pipeline import ingest_prepared
from dashboard.ingest.prepare import Prepared, prepare_file
from dashboard.registry import Registry
from dashboard.review import rounds
from dashboard.review.users import User
from dashboard.synth import round_plant as plant
from dashboard.synth.county import Agency

ROUND_YEAR = 2025
DRAFT_DEADLINE = dt.date(2026, 1, 20)
OFFICE = User("示例审核员（模拟）", "管理")
OFFICE_NAME = "示例县人民政府办公室（模拟）"


def _at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour)


def _draft(path: Path, text: str | None = None, out: Path | None = None) -> Path:
    if text is None:
        return path
    assert out is not None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def build_round(db: Path, agencies: list[Agency], files: dict[tuple[str, int], Path], registry: Registry,
                work: Path) -> dict[str, list[str]]:
    """Open the demo's round and play its first weeks; returns the short names of the units by role."""
    rounds.open_round(OFFICE, ROUND_YEAR, DRAFT_DEADLINE, region=agencies[0].region, db=db)
    md = [a for a in agencies if files.get((a.name, ROUND_YEAR), Path()).suffix == ".md"
          and files.get((a.name, ROUND_YEAR - 1), Path()).suffix in (".md", ".html")]
    planted, neighbour, unfixed = md[:5], md[5], md[6]  # unit 3 copies the neighbour's 一 and 五
    # the others in a mixed order of kinds (departments and townships in every group), the same every time
    rest = [neighbour] + sorted((a for a in agencies if a not in md[:7]), key=lambda a: a.name[::-1])
    text = {a.name: files[(a.name, ROUND_YEAR)].read_text(encoding="utf-8") for a in [*planted, unfixed]}
    last_year = files[(planted[2].name, ROUND_YEAR - 1)]
    last_text = last_year.read_text(encoding="utf-8") if last_year.suffix == ".md" else None
    out = work / "round"

    def prepared(path: Path) -> Prepared:
        item = prepare_file(path)
        if item.report is not None:
            item.report["simulated"] = True
        return item

    def send(items: list[tuple[Agency, Path, dt.datetime]]) -> None:
        batch = []
        for _, path, when in items:
            batch.append(prepared(path))
            batch[-1].extra["submitted_at"] = when
        ingest_draft_items(batch, db, OFFICE.name, registry)

    def clean(a: Agency) -> Path:
        return files[(a.name, ROUND_YEAR)]

    # the first drafts, each on its own day (one write)
    first = [(neighbour, clean(neighbour), _at(1, 8)),
             (planted[0], _draft(clean(planted[0]), plant.drop_row(text[planted[0].name]),
                                 out / f"{planted[0].name}-2025-初稿.md"), _at(1, 12)),
             (planted[1], _draft(clean(planted[1]), plant.without_fee(text[planted[1].name]),
                                 out / f"{planted[1].name}-2025-初稿.md"), _at(1, 13))]
    copied_last = plant.copied_narrative(text[planted[2].name], last_text) if last_text else text[planted[2].name]
    first.append((planted[2], _draft(clean(planted[2]), copied_last, out / f"{planted[2].name}-2025-初稿.md"),
                  _at(1, 10)))
    neighbour_text = clean(neighbour).read_text(encoding="utf-8") if clean(neighbour).suffix == ".md" else None
    copied_peer = plant.copied_narrative(text[planted[3].name], neighbour_text) if neighbour_text else \
        text[planted[3].name]
    first.append((planted[3], _draft(clean(planted[3]), copied_peer, out / f"{planted[3].name}-2025-初稿.md"),
                  _at(1, 16)))
    first.append((planted[4], clean(planted[4]), _at(1, 24)))  # after the drafts' deadline
    first.append((unfixed, _draft(clean(unfixed), plant.drop_row(text[unfixed.name]),
                                  out / f"{unfixed.name}-2025-初稿.md"), _at(1, 17)))
    drafts_clean = rest[1:7]
    first += [(a, clean(a), _at(1, 9 + k)) for k, a in enumerate(drafts_clean)]
    send(first)
    published = rest[7:13]
    ingest_prepared([prepared(clean(a)) for a in published], db, registry=registry, who=OFFICE.name)
    _, units = rounds.board(ROUND_YEAR, db)
    aid = {u.name: u.agency_id for u in units}
    rounds.decide_many(OFFICE, ROUND_YEAR, [
        (aid[planted[0].name], "returned", "表三“不予公开”缺“3.危及‘三安全一稳定’”一行，请按格式补齐（未发生的填0）。",
         _at(1, 14)),
        (aid[planted[1].name], "returned", "“六、其他需要报告的事项”未写信息处理费收取情况，请补充。", _at(1, 15)),
        (aid[planted[2].name], "returned", "“总体情况”和“存在的主要问题及改进情况”与上年报告几乎相同，请结合本年工作重写。",
         _at(1, 12)),
        (aid[neighbour.name], "passed", None, _at(1, 12)),
        (aid[drafts_clean[0].name], "passed", None, _at(1, 13)),
        (aid[drafts_clean[1].name], "passed", None, _at(1, 21)),
    ], db)
    # two units send the corrected draft; one of them is passed, the first passed draft is marked published
    send([(planted[0], _draft(clean(planted[0]), text[planted[0].name], out / f"{planted[0].name}-2025-修改稿.md"),
           _at(1, 18)),
          (planted[2], _draft(clean(planted[2]), text[planted[2].name], out / f"{planted[2].name}-2025-修改稿.md"),
           _at(1, 19))])
    rounds.decide_many(OFFICE, ROUND_YEAR, [(aid[planted[2].name], "passed", None, _at(1, 21)),
                                            (aid[drafts_clean[0].name], "published", None, _at(1, 23))], db)
    return {"planted": [a.short_name for a in [*planted, unfixed]],
            "published": [a.short_name for a in published], "waiting": [a.short_name for a in rest[13:]]}
