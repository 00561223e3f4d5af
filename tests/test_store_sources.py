"""Source files out of the database: content-addressed, stored once, migrated from old databases, hash checked."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.store.db import open_db, writer
from dashboard.store.originals import read_source
from dashboard.store.schema import MIGRATIONS
from dashboard.store.sources import SourceError, SourceStore, store_for

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = [FIXTURES / "000_7180246cedc2b1d8.txt", FIXTURES / "pingtan-2025.docx", FIXTURES / "hongze-2023.pdf"]


def _files_in(store: SourceStore) -> list[Path]:
    return sorted(p for p in Path(store.root).rglob("*") if p.is_file())


def test_ingested_files_live_in_the_store_once_and_not_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    copy = tmp_path / "again" / REPORTS[0].name
    copy.parent.mkdir()
    shutil.copyfile(REPORTS[0], copy)
    first = ingest_paths(REPORTS, db=db)
    again = ingest_paths([copy], db=db)
    assert first.counts()["ingested"] == 3 and again.counts()["unchanged"] == 1
    store = store_for(db)
    files = _files_in(store)
    assert [f.name for f in files] == sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in REPORTS)
    for f in files:  # the path is the content's hash: ab/cd/<sha256>
        assert f.relative_to(store.root).parts == (f.name[:2], f.name[2:4], f.name)
    con = open_db(db, read_only=True)
    assert con.execute("select count(*) from reports where source_bytes is not null").fetchall()[0][0] == 0
    assert con.execute("select bool_and(source_stored) from reports").fetchall()[0][0] is True
    ids = dict(con.execute("select source_name, report_id from reports").fetchall())
    con.close()
    for path in REPORTS:
        assert read_source(ids[path.name], db) == (path.name, path.read_bytes())


def test_the_same_bytes_put_twice_are_written_once(tmp_path: Path) -> None:
    store = SourceStore(str(tmp_path / "s"))
    data = REPORTS[1].read_bytes()
    sha = store.put(data)
    before = Path(store.key(sha)).stat().st_mtime_ns
    assert store.put(data) == sha
    assert Path(store.key(sha)).stat().st_mtime_ns == before
    assert len(_files_in(store)) == 1 and store.get(sha) == data


def test_a_changed_or_missing_source_file_is_an_error_never_other_bytes(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths(REPORTS[:1], db=db)
    sha = hashlib.sha256(REPORTS[0].read_bytes()).hexdigest()
    path = Path(store_for(db).key(sha))
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(SourceError, match="改动"):
        read_source(1, db)
    path.unlink()
    with pytest.raises(SourceError, match="缺失"):
        read_source(1, db)


def _old_database(path: Path, versions: list[tuple[str, bytes]]) -> None:
    """A database as written before migration 7: every version's bytes inside reports.source_bytes."""
    con = duckdb.connect(str(path))
    con.execute("create table schema_migrations (version integer, applied_at timestamp)")
    for version, sql in MIGRATIONS:
        if version >= 7:
            break
        con.execute(sql)
        con.execute("insert into schema_migrations values (?, now())", [version])
    con.execute("insert into agencies (agency_id, name) values (1, '红崖子沟乡人民政府')")
    for rid, (name, data) in enumerate(versions, start=1):
        superseded = rid + 1 if rid < len(versions) else None
        con.execute("insert into reports (report_id, agency_id, year, template, source_name, format, sha256, "
                    "source_bytes, superseded_by) values (?, 1, 2023, '2021', ?, ?, ?, ?, ?)",
                    [rid, name, name.rsplit(".", 1)[-1], hashlib.sha256(data).hexdigest(), data, superseded])
    con.close()


def test_the_migration_moves_every_versions_bytes_out_and_each_download_returns_the_original(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    # the real files, then 20 versions that do not compress (as scans do not): ≈ 6 MB inside the file
    versions = [(p.name, p.read_bytes()) for p in REPORTS] + [(f"v{i}.pdf", random.Random(i).randbytes(300_000))
                                                            for i in range(20)]
    _old_database(db, versions)
    size_before = db.stat().st_size
    with writer(db):
        pass  # the first writer session migrates
    con = open_db(db, read_only=True)
    assert con.execute("select count(*) from reports where source_bytes is not null").fetchall()[0][0] == 0
    assert con.execute("select count(*) from reports where source_stored").fetchall()[0][0] == len(versions)
    assert con.execute("select max(version) from schema_migrations").fetchall()[0][0] >= 7
    con.close()
    held = sum(len(d) for _, d in versions)
    assert db.stat().st_size < size_before - held / 2  # the file was rewritten without the bytes
    for rid, (name, data) in enumerate(versions, start=1):
        got_name, got = read_source(rid, db)
        assert got_name == name and hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()
        assert got == data


def test_a_record_without_a_file_has_no_source_to_download(tmp_path: Path) -> None:
    from dashboard.ingest.pipeline import ingest_prepared
    from dashboard.ingest.prepare import prepare_record

    db = tmp_path / "n.duckdb"
    import json

    record = json.loads((FIXTURES / "expected" / "hongze-2023.json").read_text("utf-8"))
    assert ingest_prepared([prepare_record(record, "manual.json")], db=db).counts()["ingested"] == 1
    assert read_source(1, db) is None


@pytest.fixture
def small_disk(tmp_path: Path):  # noqa: ANN201
    """A 24 MB tmpfs (a disk that fills up); skipped where mounting is not allowed."""
    import subprocess

    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("workers", [0, 2])  # in this process, or worker processes that put the files themselves
@pytest.mark.parametrize("spare_kb", [1000, 2000])  # the disk fills while the files are written / at the checkpoint
def test_an_ingest_that_fails_on_a_full_disk_leaves_no_source_file_that_no_report_names(small_disk: Path,
                                                                                      spare_kb: int,
                                                                                      workers: int) -> None:
    import os

    files = sorted(p for p in (FIXTURES / "variants").iterdir() if p.suffix in (".md", ".txt", ".html"))
    db = small_disk / "n.duckdb"
    ingest_paths([files[0]], db=db, workers=0)
    # leave room to copy the database and a little more: the second ingest runs out of disk after it started writing
    st = os.statvfs(small_disk)
    free = st.f_bavail * st.f_frsize
    with open(small_disk / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - db.stat().st_size - spare_kb * 1024))
    with pytest.raises(Exception) as failed:  # noqa: PT011 — disk full surfaces as OSError or DuckDB's own error
        ingest_paths(files[1:], db=db, workers=workers)
    assert "space" in str(failed.value).lower() or "write" in str(failed.value).lower(), failed.value
    con = duckdb.connect(str(db), read_only=True)
    named = {r[0] for r in con.execute("select sha256 from reports").fetchall()}
    con.close()
    on_disk = [p.name for p in _files_in(store_for(db))]  # a half-written hidden .tmp counts as left behind too
    assert len(named) == 1
    assert [n for n in on_disk if n.split(".")[0] not in named] == []
