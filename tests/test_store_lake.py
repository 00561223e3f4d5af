"""DuckLake store mode on a throwaway PostgreSQL: named queries as on the DuckDB file, readers during a write,
a killed writer, and migrate-store keeping history, findings, reviews and the audit log.

These run in the lake environment (.venv-lake: duckdb pinned to the extensions' version; scripts/test.sh runs
them there with NIANBAO_REQUIRE_LAKE=1, so a missing extension or PostgreSQL fails instead of skipping).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_queries_fixture import shared_fixture_db

from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import run_query
from dashboard.review.findings import set_finding_status
from dashboard.store.db import open_db
from dashboard.store.lake import LakeUnavailable, extension_files, throwaway_postgres
from dashboard.store.migrate_store import migrate_store
from dashboard.store.named import LAKE_CACHE, query_names
from dashboard.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]


def _lake_ready() -> str | None:
    try:
        extension_files()
    except LakeUnavailable as exc:
        return str(exc)
    from dashboard.store.lake import _pg_bin

    try:
        _pg_bin("initdb")
    except FileNotFoundError as exc:
        return str(exc)
    return None


_WHY = _lake_ready()
if _WHY and os.environ.get("NIANBAO_REQUIRE_LAKE"):
    raise RuntimeError(f"lake tests required but not runnable: {_WHY}")
pytestmark = pytest.mark.skipif(_WHY is not None, reason=f"runs in .venv-lake (scripts/test.sh): {_WHY}")


@pytest.fixture()
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """An empty lake on a throwaway PostgreSQL cluster, data files under tmp_path; NIANBAO_DATA_PATH set."""
    monkeypatch.setenv("NIANBAO_DATA_PATH", str(tmp_path / "lake-data"))
    monkeypatch.delenv("NIANBAO_SOURCES", raising=False)
    with throwaway_postgres() as url:
        yield url


# One value per parameter name of queries/ (a query with a new parameter name fails here until it is added).
PARAMS = {"agency_id": None, "year": 2021, "report_id": None, "kinds": None, "agency_ids": None,
          "num": ["applications_new"], "den": None, "year_from": 2019, "year_to": 2025, "limit": 1000,
          "statuses": ["open", "confirmed", "dismissed"], "rules": None, "regions": None, "include_suspect": False,
          "due_through": 2025, "per_agency": False, "actions": None, "date_from": None, "date_to": None,
          "text": None, "who": None}


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    """Rows as text in a fixed order: equal frames give equal results whatever order rows came in."""
    text = df.astype(str)
    return text.sort_values(list(text.columns)).reset_index(drop=True)


def test_every_named_query_returns_the_same_frame_on_the_file_and_on_the_lake(
        lake: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    db = shared_fixture_db(tmp_path_factory)
    findings = run_query("quality_findings_list", db=db, year_from=2019, year_to=2025, kinds=None,
                         regions=None, agency_ids=None, statuses=["open"], rules=None, limit=10)
    set_finding_status(int(findings["finding_id"].iloc[0]), "dismissed", "测试员", "核实无误", db=db)
    counts = migrate_store(db, lake)
    assert counts["reports"] > 30 and counts["findings"] > 0 and counts["audit_log"] >= 2
    some = run_query("store_reports", db=db)
    superseded = some[~some["current"]]
    assert not superseded.empty  # the fixture holds a corrected version: history goes along
    ids = {"agency_id": int(superseded["agency_id"].iloc[0]) if "agency_id" in some else 1,
           "report_id": int(superseded["report_id"].iloc[0])}
    compared = []
    for name in query_names():
        if name.startswith(("review_", "audit_insert", "auth_")):
            continue  # writing queries (and logins): checked through set_finding_status below
        from dashboard.store.named import load_query

        wanted = load_query(name)[1]
        params = {k: ids.get(k, PARAMS[k]) if k in ids else PARAMS[k] for k in wanted}
        on_file = run_query(name, db=db, **params)
        on_lake = run_query(name, db=lake, **params)
        assert list(on_file.columns) == list(on_lake.columns), name
        pd.testing.assert_frame_equal(_comparable(on_file), _comparable(on_lake), obj=name)
        compared.append(name)
    assert len(compared) >= 20
    # the review made on the file is there, and a review on the lake is written and read back
    dismissed = run_query("quality_findings_list", db=lake, year_from=2019, year_to=2025, kinds=None,
                          regions=None, agency_ids=None, statuses=["dismissed"], rules=None, limit=10)
    assert len(dismissed) == 1
    set_finding_status(int(findings["finding_id"].iloc[1]), "confirmed", "测试员", None, db=lake)
    confirmed = run_query("quality_findings_list", db=lake, year_from=2019, year_to=2025, kinds=None,
                          regions=None, agency_ids=None, statuses=["confirmed"], rules=None, limit=10)
    assert list(confirmed["finding_id"]) == [int(findings["finding_id"].iloc[1])]


def _synth(tmp: Path, agencies: int, seed: int) -> list[Path]:
    return sorted(synthesize(tmp / f"synth{seed}", agencies, [2021, 2022, 2023], ["html", "md"], seed=seed).files)


READER = """
import json, sys, time
from dashboard.queries import run_query
url, seconds = sys.argv[1], float(sys.argv[2])
seen, errors, answers = [], [], 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        years = run_query("app_years", db=url)
        reps = run_query("store_reports", db=url)
        run_query("scope_indicator_totals", db=url, regions=None, kinds=None, agency_ids=None,
                  include_suspect=False, year_from=2019, year_to=2025)
        seen.append(int(len(reps)))
        answers += 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.05)
print(json.dumps({"seen": seen, "errors": errors[:5], "answers": answers}))
"""


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_DB": url}


def test_a_reader_keeps_answering_while_ingest_writes(lake: str, tmp_path: Path) -> None:
    files = _synth(tmp_path, 10, seed=3)
    ingest_paths(files[:5], db=lake)  # the lake exists before the reader starts
    reader = subprocess.Popen([sys.executable, "-c", READER, lake, "25"], env=_env(lake), stdout=subprocess.PIPE,
                              text=True)
    time.sleep(4)
    summary = ingest_paths(files[5:], db=lake, batch_files=5)
    assert summary.counts()["failed"] == 0
    out, _ = reader.communicate(timeout=120)
    result = json.loads(out)
    assert result["errors"] == [] and result["answers"] >= 5
    seen = result["seen"]
    # never a half batch: every count the reader saw is one the store had after a whole batch, never going back
    con = open_db(lake, read_only=True)
    batches = [json.loads(d)["counts"] for (d,) in con.execute("select details from audit_log order by \"at\"").fetchall()]
    con.close()
    after_batch, total = set(), 0
    for c in batches:
        total += c.get("ingested", 0) + c.get("superseded", 0)
        after_batch.add(total)
    assert set(seen) <= after_batch and seen == sorted(seen), (seen, sorted(after_batch))
    assert len(set(seen)) >= 2  # the reader did see the writer's batches arrive


WRITER = """
import sys
from pathlib import Path
from dashboard.store.db import open_db
from dashboard.ingest.pipeline import ingest_paths
ingest_paths([Path(p) for p in sys.argv[2:]], db=sys.argv[1], batch_files=4)
"""


def test_a_lake_answer_is_kept_until_a_commit_and_the_read_after_a_commit_in_another_process_sees_it(
        lake: str, tmp_path: Path) -> None:
    files = _synth(tmp_path, 6, seed=5)
    ingest_paths(files[:4], db=lake)
    LAKE_CACHE.clear()
    first = run_query("store_reports", db=lake)
    again = run_query("store_reports", db=lake)
    assert (LAKE_CACHE.misses, LAKE_CACHE.hits) == (1, 1)  # no commit between: the second read is the kept answer
    pd.testing.assert_frame_equal(first, again)
    again["report_id"] = -1  # a caller changing its frame does not change the kept one
    assert list(run_query("store_reports", db=lake)["report_id"]) == list(first["report_id"])
    # another process commits a batch: this process's next read is recomputed and shows it
    writer = subprocess.run([sys.executable, "-c", WRITER, lake, *map(str, files[4:])], env=_env(lake), timeout=300)
    assert writer.returncode == 0
    misses = LAKE_CACHE.misses
    after = run_query("store_reports", db=lake)
    assert LAKE_CACHE.misses == misses + 1
    assert len(after) > len(first) and set(first["report_id"]) < set(after["report_id"])
    # a small commit (a reviewer's decision, inlined in the catalog) is seen by the next read as well
    params = dict(year_from=2019, year_to=2025, kinds=None, regions=None, agency_ids=None,
                  statuses=["confirmed"], rules=None, limit=10)
    assert run_query("quality_findings_list", db=lake, **params).empty
    finding = int(run_query("checks_findings", db=lake, year=None, agency_id=None, regions=None)["finding_id"].iloc[0])
    set_finding_status(finding, "confirmed", "测试员", None, db=lake)
    assert list(run_query("quality_findings_list", db=lake, **params)["finding_id"]) == [finding]
    # answers of an older snapshot are dropped once a newer one is read: the cache holds one snapshot per lake
    assert {key[3] for key in LAKE_CACHE.entries} == {LAKE_CACHE.latest[lake]}


def test_killing_the_writer_leaves_the_lake_readable_and_the_rerun_completes(lake: str, tmp_path: Path) -> None:
    files = _synth(tmp_path, 12, seed=5)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, lake, *map(str, files)], env=_env(lake))
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = len(run_query("store_reports", db=lake))
        if stored >= 4:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the writer finished before it could be killed: make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after_kill = run_query("store_reports", db=lake)
    # whole batches only: the stored reports are exactly those of the batches whose audit row was committed with
    # them (a batch is 4 files, or fewer when BATCH_SECONDS passed first on a loaded machine)
    con = open_db(lake, read_only=True)
    audited = [json.loads(d)["counts"] for (d,) in con.execute("select details from audit_log").fetchall()]
    con.close()
    assert len(after_kill) == sum(c.get("ingested", 0) + c.get("superseded", 0) + c.get("held", 0) for c in audited)
    assert len(after_kill) < len(files)
    rerun = ingest_paths(files, db=lake)
    counts = rerun.counts()
    assert counts["failed"] == 0 and counts["unchanged"] == len(after_kill)
    final = run_query("store_reports", db=lake)
    assert len(final) == len(files) and final["report_id"].is_unique
    # findings were written with their reports: every stored report was checked exactly once per rule and cell set
    findings = run_query("checks_findings", db=lake, year=None, agency_id=None, regions=None)
    assert not findings.duplicated(["report_id", "rule", "message"]).any()


def test_a_record_that_cannot_be_written_fails_alone_on_the_lake_and_its_batch_is_stored(lake: str) -> None:
    import copy

    from dashboard.ingest.pipeline import ingest_prepared
    from dashboard.ingest.prepare import prepare_record
    from dashboard.parse import parse_file

    good = parse_file(ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt")
    bad = copy.deepcopy(good)
    bad["agency"] = "甲家沟乡人民政府"
    bad["sections"]["overview"] = "lone surrogate \ud800 cannot be encoded"  # not scrubbed: a record from outside
    others = []
    for name in ("乙", "丙", "丁"):
        other = copy.deepcopy(good)
        other["agency"] = f"{name}家沟乡人民政府"
        others.append(prepare_record(other, f"{name}.json"))
    summary = ingest_prepared([others[0], prepare_record(bad, "bad.json"), *others[1:],
                               prepare_record(good, "good.json")], db=lake)
    status = {o.source: (o.status, o.reason_zh) for o in summary.outcomes}
    assert status["bad.json"][0] == "failed" and "写入数据库失败" in status["bad.json"][1]
    assert [status[f"{n}.json"][0] for n in ("乙", "丙", "丁")] + [status["good.json"][0]] == ["ingested"] * 4
    assert len(run_query("store_reports", db=lake)) == 4


def test_the_lake_loads_its_extensions_from_the_installed_packages_only() -> None:
    files = extension_files()
    assert set(files) == {"ducklake", "postgres_scanner"}
    for path in files.values():
        assert path.exists() and path.stat().st_size > 1_000_000


COUNTY = """
import json, sys
from pathlib import Path
from dashboard.queries import run_query
from dashboard.review.findings import set_finding_status
from dashboard.ingest.pipeline import ingest_paths
from dashboard.store.migrate_store import to_folder
db, folder, files = Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
ingest_paths(files, db=db)
f = run_query("quality_findings_list", db=db, year_from=2019, year_to=2025, kinds=None, regions=None, agency_ids=None, statuses=["open"],
              rules=None, limit=1)
set_finding_status(int(f["finding_id"].iloc[0]), "dismissed", "县级", "已核实", db=db)
to_folder(db, folder)
print(json.dumps({n: run_query(n, db=db).to_json(orient="records", force_ascii=False, date_format="iso")
                  for n in ("store_reports", "store_agencies")}))
"""


def _county_python() -> str | None:
    """The county install's interpreter (DuckDB 2): $NIANBAO_COUNTY_PYTHON, else the project's .venv."""
    given = os.environ.get("NIANBAO_COUNTY_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
    return given if Path(given).exists() else None


@pytest.mark.skipif(_county_python() is None and not os.environ.get("NIANBAO_REQUIRE_LAKE"),
                    reason="needs the county install's python (.venv)")
def test_a_county_file_of_the_newer_duckdb_moves_into_the_lake_through_a_parquet_folder(
        lake: str, tmp_path: Path) -> None:
    fixtures = ROOT / "tests" / "fixtures"
    files = [fixtures / "000_7180246cedc2b1d8.txt", fixtures / "pingtan-2025.html", fixtures / "hongze-2023.pdf"]
    county, folder = tmp_path / "county.duckdb", tmp_path / "parquet"
    out = subprocess.run([_county_python(), "-c", COUNTY, str(county), str(folder), *map(str, files)],
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
    on_file = json.loads(out.stdout.strip().splitlines()[-1])
    with pytest.raises(RuntimeError, match="to-folder"):
        migrate_store(county, lake)  # this DuckDB cannot read the newer file: the message says what to run
    counts = migrate_store(folder, lake)
    assert counts["reports"] == 3 and counts["sources_moved"] == 0 and counts["sources_copied"] == 3
    for name, rows in on_file.items():
        here = run_query(name, db=lake).to_json(orient="records", force_ascii=False, date_format="iso")
        assert json.loads(here) == json.loads(rows), name
    audit = run_query("quality_findings_list", db=lake, year_from=2019, year_to=2025, kinds=None,
                      regions=None, agency_ids=None, statuses=["dismissed"], rules=None, limit=10)
    assert len(audit) == 1
    # 下载原件 on the lake: the county's source files came along into the lake's store
    from dashboard.store.originals import read_source

    ids = run_query("store_reports", db=lake).set_index("source_name")["report_id"]
    for f in files:
        assert read_source(int(ids[f.name]), lake) == (f.name, f.read_bytes())


def test_the_dashboard_pages_run_on_the_lake_and_offer_the_source_file(lake: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    fixtures = ROOT / "tests" / "fixtures"
    assert ingest_paths([fixtures / "pingtan-2025.html", fixtures / "000_7180246cedc2b1d8.txt"],
                        db=lake).counts()["ingested"] == 2
    monkeypatch.setenv("NIANBAO_DB", lake)
    agencies = run_query("app_agencies", db=lake)
    aid = int(agencies[agencies["name"] == "平潭综合实验区"]["agency_id"].iloc[0])
    for name, params in (("overview", {}), ("quality", {}), ("detail", {"agency": str(aid)})):
        at = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=120)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert at.download_button(key="source_download") is not None
