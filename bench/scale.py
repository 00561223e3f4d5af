"""Benchmark of issue 15 (one run, prints a table): parsing on 1 core / all cores / a Dask cluster, a batch of
1,000 into a store of 10k vs 100k (DuckDB file copy-and-swap vs DuckLake), 4 readers during a write, and the
store's size with sources inside vs outside the database.

Run it in the lake environment (it has DuckDB pinned for the extensions, Dask, and the project):

    .venv-lake/bin/python bench/scale.py [--files 2000] [--sizes 10000,100000] [--readers 4] [--skip-lake]
        [--only parse,fill,batch,readers,size] [--batch-on lake] [--readers-on lake] [--writes 3x300]

"All local cores" is a ProcessPoolExecutor over the same per-file function (dashboard.ingest.prepare.prepare_file):
the --workers processes of issue 15 item 2 are another branch; Dask runs 2 local one-thread workers it starts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import CORPUS, variants  # noqa: E402
from synth_db import build_bench_db  # noqa: E402

from dashboard.ingest.dask_parse import cluster_engine, start_local_cluster, stop_local_cluster  # noqa: E402
from dashboard.ingest.pipeline import ingest_paths, ingest_prepared, write_batch  # noqa: E402
from dashboard.parse import parse_file  # noqa: E402
from dashboard.store.db import open_db  # noqa: E402

ROWS: list[tuple[str, str, str]] = []
WRITES = [3, 500]  # the writer during the readers' run: batches × reports (--writes)


def row(section: str, what: str, value: str) -> None:
    """One line of the result table (also printed as it is measured)."""
    ROWS.append((section, what, value))
    print(f"  {section:<28} {what:<52} {value}", flush=True)


def bench_parse(tmp: Path, n_files: int) -> None:
    from dashboard.synth import synthesize

    years = [2019, 2020, 2021, 2022, 2023]
    t0 = time.perf_counter()
    # a few agency-years are "missing reports" in the generator: ask for 5 % more, keep n_files
    synth = synthesize(tmp / "synth", -(-n_files * 105 // 100 // len(years)), years, ["html", "md"], seed=1)
    files = sorted(synth.files)[:n_files]
    row("ingest files", f"generated {len(files)} html/md report files", f"{time.perf_counter() - t0:.1f} s")
    cores = os.cpu_count() or 1
    runs = [("1 worker process (ingest --workers 1)", {"workers": 1}),
            (f"{cores} worker processes (ingest --workers {cores})", {"workers": cores})]
    address, procs = start_local_cluster(2, env={"PYTHONPATH": str(ROOT)})
    runs.append(("Dask: 2 local workers (1 thread each)", {"engine": cluster_engine(address)}))
    base = None
    try:
        for name, how in runs:
            db = tmp / f"parse-{len(ROWS)}.duckdb"
            t0 = time.perf_counter()
            s = ingest_paths(files, db=db, batch_files=500, **how)
            dt = time.perf_counter() - t0
            base = base or dt
            row("ingest files", name, f"{len(files) / dt:.1f} reports/s  ×{base / dt:.2f}  "
                f"({s.counts()['failed']} failed)")
    finally:
        stop_local_cluster(procs)


def _parsed() -> list[tuple[dict, bytes]]:
    return [(parse_file(p), p.read_bytes()) for p in CORPUS]


def _file_store(path: Path, n: int) -> None:
    build_bench_db(path, n)
    con = open_db(path)
    con.execute("update reports set source_bytes = null")  # synth_db's 1-byte placeholders: not real files
    con.execute("checkpoint")
    con.close()


# The indicator fill before issue 23 item 5 (baseline): every report joined against the whole effective_cells view.
OLD_FILL_SQL = """
insert into indicators (agency_id, year, report_id, template, indicator, value, series)
with base as (
  select r.agency_id, r.year, r.report_id, r.template, m.indicator, sum(c.value) as value,
         case when m.series = 'template' then r.template else m.series end as series
  from reports r
  join indicator_cells m on m.template = r.template
  left join effective_cells c on c.report_id = r.report_id and c.tbl = m.tbl and c.row_code = m.row_code
                   and c.col_code = m.col_code
  where r.superseded_by is null and r.report_id in (select report_id from {ids})
  group by all
),
ratios as (
  select b.agency_id, b.year, b.report_id, b.template, q.indicator,
         coalesce(sum(b.value) filter (where list_contains(q.numerators, b.indicator)), 0)
           / nullif(max(b.value) filter (where b.indicator = q.denominator), 0) as value,
         case when q.series = 'template' then b.template else q.series end as series
  from base b join indicator_ratios q on list_contains(q.templates, b.template)
  group by all
)
select * from base union all select * from ratios
"""


def _old_update_indicators(con, new_ids: str, superseded_ids: str | None = None) -> None:  # noqa: ANN001
    if superseded_ids:
        con.execute(f"delete from indicators where report_id in (select report_id from {superseded_ids})")
    con.execute(OLD_FILL_SQL.format(ids=new_ids))


def _timed_batch(db: str | Path, start: int, parsed: list, old: bool) -> float:
    """Seconds to write one batch of 1,000 (old: with the baseline's indicator fill)."""
    import dashboard.ingest.pipeline as pipeline

    keep = pipeline.update_indicators
    pipeline.update_indicators = _old_update_indicators if old else keep
    try:
        batch = variants(parsed, 1000, True, start=start)
        t0 = time.perf_counter()
        ingest_prepared(batch, db=db, batch_size=1000)
        return time.perf_counter() - t0
    finally:
        pipeline.update_indicators = keep


def bench_batch(tmp: Path, sizes: list[int], lake_url: str | None, rounds: int = 2, file_too: bool = True) -> None:
    """A batch of 1,000 into stores of each size; on the lake the baseline's indicator fill and the batch-only one
    alternate on the same lake (min of `rounds` each), so load affects both alike."""
    parsed = _parsed()
    times: dict[tuple[str, int], float] = {}
    for n in sizes:
        db = tmp / f"store-{n}.duckdb"
        _file_store(db, n)
        if file_too:
            t0 = time.perf_counter()
            ingest_prepared(variants(parsed, 1000, True, start=10_000_000), db=db, batch_size=1000)
            row("batch of 1,000", f"DuckDB file (copy-swap), store of {n:,}", f"{time.perf_counter() - t0:.1f} s")
        if lake_url:
            from dashboard.store.migrate_store import migrate_store

            url = _fresh_lake(lake_url, f"b{n}")
            t0 = time.perf_counter()
            migrate_store(db, url)
            load = time.perf_counter() - t0
            for label in ("baseline fill (joins the whole store)", "batch-only fill"):
                times[(label, n)] = 1e9
            for k in range(rounds):
                for label, old in (("baseline fill (joins the whole store)", True), ("batch-only fill", False)):
                    dt = _timed_batch(url, 20_000_000 + (2 * k + old) * 1000, parsed, old)
                    times[(label, n)] = min(times[(label, n)], dt)
            for label in ("baseline fill (joins the whole store)", "batch-only fill"):
                row("batch of 1,000", f"DuckLake {label}, store of {n:,}",
                    f"{times[(label, n)]:.2f} s  (loading the store: {load:.0f} s)")
    if lake_url and len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        for label in ("baseline fill (joins the whole store)", "batch-only fill"):
            ratio = times[(label, big)] / times[(label, small)]
            row("batch of 1,000", f"DuckLake {label}: {big:,} vs {small:,}", f"×{ratio:.2f}")


def bench_fill(tmp: Path, sizes: list[int], rounds: int = 3) -> None:
    """The indicator fill of a batch of 1,000 new reports alone (one statement, rolled back), baseline vs batch-only,
    alternating on the same DuckDB file of each size (min of `rounds`)."""
    from dashboard.store.schema import fill_indicators

    times: dict[tuple[str, int], float] = {}
    for n in sizes:
        db = tmp / f"fill-{n}.duckdb"
        build_bench_db(db, n)
        con = open_db(db)
        hi = con.execute("select max(report_id) from reports").fetchall()[0][0]
        con.execute(f"insert into reports by name select * replace (report_id + {hi} as report_id, "
                    f"md5(report_id::varchar) as sha256) from reports where report_id > {hi - 1000}")
        con.execute(f"insert into cells select * replace (report_id + {hi} as report_id) from cells "
                    f"where report_id > {hi - 1000}")
        con.execute(f"create temp table _new as select report_id from reports where report_id > {hi}")
        for _ in range(rounds):
            for label in ("baseline fill (joins the whole store)", "batch-only fill"):
                con.execute("begin")
                t0 = time.perf_counter()
                if label.startswith("baseline"):
                    con.execute(OLD_FILL_SQL.format(ids="_new"))
                else:
                    fill_indicators(con, "_new")
                dt = time.perf_counter() - t0
                con.execute("rollback")
                times[(label, n)] = min(times.get((label, n), dt), dt)
        con.close()
        for label in ("baseline fill (joins the whole store)", "batch-only fill"):
            row("indicator fill of 1,000", f"{label}, DuckDB file of {n:,}", f"{times[(label, n)] * 1000:.0f} ms")
    for label in ("baseline fill (joins the whole store)", "batch-only fill"):
        row("indicator fill of 1,000", f"{label}: {sizes[-1]:,} vs {sizes[0]:,}",
            f"×{times[(label, sizes[-1])] / times[(label, sizes[0])]:.2f}")


def _fresh_lake(base_url: str, name: str) -> str:
    """A new catalog database on the bench's PostgreSQL (one per store size)."""
    port = base_url.split("port=")[1].split()[0]
    from dashboard.store.lake import _pg_bin

    subprocess.run([_pg_bin("psql"), "-h", "127.0.0.1", "-p", port, "-U", "nianbao", "-d", "postgres", "-qc", f"create database {name}"],
        check=True, capture_output=True)
    os.environ["NIANBAO_DATA_PATH"] = str(Path(os.environ["NIANBAO_BENCH_TMP"]) / f"lake-{name}")
    return base_url.replace("dbname=lake", f"dbname={name}")


READER = r"""
import json, sys, time
from dashboard.queries import run_query
db, stop = sys.argv[1], sys.argv[2]
F = {"regions": None, "kinds": None, "agency_ids": None}
PAGES = {
  "overview": [("scope_indicator_totals", {**F, "include_suspect": False, "year_from": 2022, "year_to": 2023}),
               ("coverage_by_year", {**F, "year_from": 2022, "year_to": 2023, "due_through": 2025})],
  "compare": [("compare_ranking", {**F, "year": 2023, "include_suspect": False, "num": ["applications_new"],
                                   "den": None, "due_through": 2025})],
  "quality": [("quality_coverage_counts", {**F, "year_from": 2019, "year_to": 2025, "due_through": 2025}),
              ("quality_findings_by_rule_year", {**F, "year_from": 2019, "year_to": 2025, "statuses": ["open"]})],
  "detail": [("detail_report_cells", {"report_id": 1234}), ("detail_report_findings", {"report_id": 1234})],
}
lat, errors = {p: [] for p in PAGES}, []
import os
if sys.argv[3] == "live":
    # a reader of its own, beside run_query (to measure another reading strategy against the app's in one run): one
    # read-only attach of the lake at its latest snapshot, each query on a cursor of it — run_query on a lake before
    # its answers were kept per snapshot (issue 23 item 5's baseline)
    from dashboard.store.lake import ALIAS, connect
    from dashboard.store.named import _bind
    live = connect(db, read_only=True)
    def run_query(name, db, **params):
        sql, bound = _bind(name, params)
        cur = live.cursor()
        cur.execute(f"set search_path = '{ALIAS}.main'")
        try:
            return cur.execute(sql, bound).df()
        finally:
            cur.close()
for qs in PAGES.values():  # one untimed round: opening the store (extensions, first attach) is not a page's time
    for name, params in qs:
        run_query(name, db=db, **params)
from dashboard.store.named import LAKE_CACHE
recomputed = []  # pages with a query not kept (a first read after a commit): their seconds
while not os.path.exists(stop):
    for page, qs in PAGES.items():
        t0, misses = time.perf_counter(), LAKE_CACHE.misses
        try:
            for name, params in qs:
                run_query(name, db=db, **params)
            lat[page].append(time.perf_counter() - t0)
            if LAKE_CACHE.misses > misses:
                recomputed.append(lat[page][-1])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
print(json.dumps({"lat": lat, "errors": errors, "cache": [LAKE_CACHE.hits, LAKE_CACHE.misses],
                  "recomputed": recomputed}))
"""


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1]


def bench_readers(tmp: Path, db: str, label: str, n_readers: int, hows: tuple[str, ...] = ("run_query",)) -> None:
    """n_readers processes loop over four pages' queries while this process writes (--writes); p95 per page.

    hows: the reader kinds, taken in turn by the processes — "run_query" (the app's reader) and, on a lake, "live"
    (the bench's own reader: the lake attached once, every cursor reading its latest snapshot). Both kinds in one run share
    the same writer and the same load; each kind's p95 is shown apart."""
    parsed = _parsed()
    stop = tmp / f"stop-{len(ROWS)}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kinds = [hows[i % len(hows)] for i in range(n_readers)]
    procs = [subprocess.Popen([sys.executable, "-c", READER, db, str(stop), how], env=env, stdout=subprocess.PIPE,
                              text=True) for how in kinds]
    time.sleep(3)
    t0 = time.perf_counter()
    for k in range(WRITES[0]):
        ingest_prepared(variants(parsed, WRITES[1], True, start=30_000_000 + len(ROWS) * 100_000 + k * 1000), db=db,
                        batch_size=WRITES[1])
    write = time.perf_counter() - t0
    stop.touch()
    lat: dict[str, dict[str, list[float]]] = {how: {} for how in hows}
    cache: dict[str, list[int]] = {how: [0, 0] for how in hows}
    recomputed: dict[str, list[float]] = {how: [] for how in hows}
    errors: list[str] = []
    for how, p in zip(kinds, procs, strict=True):
        text = p.communicate(timeout=300)[0]
        # the reader's one JSON line; anything else on its stdout (a library's output) is not ours
        out = json.loads(next(line for line in text.splitlines() if line.startswith('{"lat"')))
        errors += out["errors"]
        cache[how] = [a + b for a, b in zip(cache[how], out["cache"], strict=True)]
        recomputed[how] += out["recomputed"]
        for page, xs in out["lat"].items():
            lat[how].setdefault(page, []).extend(xs)
    names = {"live": "baseline reader (lake attached once, nothing kept)", "run_query": "run_query"}
    for how in hows:
        p95 = "  ".join(f"{page} {_p95(xs) * 1000:.0f} ms (max {max(xs) * 1000:.0f}, "
                        f"n {len(xs)})" for page, xs in lat[how].items() if len(xs) >= 2)
        hits, misses = cache[how]
        kept = f"; answers kept per snapshot: {hits} hits, {misses} misses" if hits + misses else ""
        again = recomputed[how]
        if len(again) >= 2:  # the pages that ran a query afresh (a first read after a commit), any page
            kept += (f"; pages recomputed after a commit: p95 {_p95(again) * 1000:.0f} ms, max "
                     f"{max(again) * 1000:.0f} ms, n {len(again)}")
        row(f"{n_readers} readers + 1 writer", f"{label}, {kinds.count(how)} × {names[how]}: p95 per page "
            f"(writer {write:.0f} s{kept})", p95)
    row(f"{n_readers} readers + 1 writer", f"{label}: errors", f"{len(errors)}" + (f"; first: {errors[0]}" if errors else ""))


def _lake_files(url: str) -> str:
    """How many Parquet files a reader of the lake opens per table (and delete files), from the catalog."""
    import duckdb

    from dashboard.store.lake import CATALOG, _catalog_cursor

    cur = _catalog_cursor(url)
    try:
        rows = cur.execute(f"""select * from postgres_query('{CATALOG}', 'select t.table_name, count(f.data_file_id) as files,
            (select count(*) from ducklake_delete_file d where d.table_id = t.table_id and d.end_snapshot is null) as deletes
            from ducklake_table t join ducklake_data_file f using (table_id)
            where t.end_snapshot is null and f.end_snapshot is null group by t.table_id, t.table_name
            order by 2 desc')""").fetchall()
    except duckdb.Error as exc:
        return f"unknown ({type(exc).__name__})"
    finally:
        cur.close()
    return "  ".join(f"{name} {files} ({deletes})" for name, files, deletes in rows)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def bench_size(tmp: Path) -> None:
    from dashboard.registry import Registry
    from dashboard.store.db import writer

    parsed = _parsed()
    items = variants(parsed, 10_000, True, start=40_000_000)
    registry = Registry.load()
    inside = tmp / "inside.duckdb"
    con = open_db(inside)  # a connection outside writer(): no source store bound, bytes go into the rows (old way)
    for i in range(0, len(items), 2000):
        write_batch(con, items[i:i + 2000], registry, run_checks_after=False)
    con.execute("checkpoint")
    con.close()
    outside = tmp / "outside.duckdb"
    for i in range(0, len(items), 2000):
        with writer(outside) as con:
            write_batch(con, items[i:i + 2000], registry, run_checks_after=False)
    mb = 1024 * 1024
    row("size per 10,000 reports", "sources inside the database", f"{_size(inside) / mb:.0f} MB")
    row("size per 10,000 reports", "sources outside: database + file store",
        f"{_size(outside) / mb:.0f} MB + {_size(outside.with_name(outside.name + '.sources')) / mb:.0f} MB")


def main() -> None:
    """Run every part and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--skip-lake", action="store_true")
    ap.add_argument("--writes", default="3x500", help="the writer during the readers' run: batches x reports")
    ap.add_argument("--batch-on", default="file,lake", help="stores the batch part runs on")
    ap.add_argument("--rounds", type=int, default=2, help="lake batches per fill and size (the minimum is shown)")
    ap.add_argument("--lake-readers", default="live,run_query",
                    help="lake reader kinds side by side: run_query (the app's), live (the baseline: the lake "
                         "attached once, nothing kept)")
    ap.add_argument("--readers-on", default="file,lake", help="stores the readers part runs on")
    ap.add_argument("--only", default="parse,batch,readers,size")
    args = ap.parse_args()
    only = set(args.only.split(","))
    WRITES[:] = [int(x) for x in args.writes.split("x")]
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-scale-"))
    os.environ["NIANBAO_BENCH_TMP"] = str(tmp)
    print(f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, tmp {tmp}")
    lake_cm = None
    lake_url = None
    if not args.skip_lake:
        from dashboard.store.lake import throwaway_postgres

        lake_cm = throwaway_postgres()
        lake_url = lake_cm.__enter__()
    try:
        if "parse" in only:
            bench_parse(tmp, args.files)
        if "fill" in only:
            bench_fill(tmp, [int(s) for s in args.sizes.split(",")])
        if "batch" in only:
            bench_batch(tmp, [int(s) for s in args.sizes.split(",")], lake_url, args.rounds, "file" in args.batch_on)
        if "readers" in only:
            small = tmp / "readers.duckdb"
            _file_store(small, 10_000)
            if "file" in args.readers_on:
                bench_readers(tmp, str(small), "DuckDB file", args.readers)
            if lake_url and "lake" in args.readers_on:
                from dashboard.store.migrate_store import migrate_store

                url = _fresh_lake(lake_url, "readers")
                migrate_store(small, url)
                bench_readers(tmp, url, "DuckLake", args.readers, hows=tuple(args.lake_readers.split(",")))
                row("lake data files", "live data files per table after the writes (delete files)", _lake_files(url))
        if "size" in only:
            bench_size(tmp)
    finally:
        if lake_cm:
            lake_cm.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    print("\n| part | run | result |\n|---|---|---|")
    for section, what, value in ROWS:
        print(f"| {section} | {what} | {value} |")


if __name__ == "__main__":
    main()
