"""`nianbao migrate-store`: move a county's DuckDB file into a DuckLake, everything kept.

Every table of the file is copied generically (so tables added by later migrations come along): reports with all
their superseded versions, cells, sections, findings with their review status, the audit log, agencies. The lake's
own bookkeeping (schema_migrations, derived_version, the indicator definitions rebuilt from code, lake_writer) is
the lake's. Source bytes still inside the file go to the lake's source store. The copy is one lake transaction:
it is all there or not at all.

The DuckLake extensions pin an older DuckDB than the county install may use, and a DuckDB file cannot be read by
an older DuckDB. So the move can go through a folder of Parquet files: `nianbao migrate-store FILE --to-folder DIR`
in the county install, then `nianbao migrate-store DIR --db ducklake:…` in the lake install. The county's source files (its file
store, `<file>.sources`) go along: into the folder, then into the lake's store, each hash-checked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import typer

from dashboard.store import sources
from dashboard.store.db import writer

# The target's own: its migration record and objects rebuilt from code on open.
NOT_COPIED = {"schema_migrations", "derived_version", "indicator_defs", "indicator_cells", "indicator_ratios",
              "lake_writer"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_tables(con: duckdb.DuckDBPyConnection, src: Path) -> dict[str, str]:
    """table name → SQL that reads it, from a DuckDB file (attached read-only) or a folder of <table>.parquet."""
    if src.is_dir():
        return {p.stem: f"read_parquet({_quote(str(p))})" for p in sorted(src.glob("*.parquet"))}
    try:
        con.execute(f"attach {_quote(str(src))} as _county (read_only)")
    except duckdb.Error as exc:
        raise RuntimeError(
            f"无法用 DuckDB {duckdb.__version__} 打开 {src}：{exc}。请先在县级安装中运行 "
            f"nianbao migrate-store {src} --to-folder 文件夹，再把该文件夹迁入湖仓 / cannot open {src} with "
            f"DuckDB {duckdb.__version__}: run `nianbao migrate-store {src} --to-folder DIR` with the county install "
            "first, then migrate DIR") from exc
    names = [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = '_county' "
                                       "and schema_name = 'main' order by table_name").fetchall()]
    return {n: f'_county.main."{n}"' for n in names}


def to_folder(src: Path, folder: Path) -> list[str]:
    """Write every table of a DuckDB file as <table>.parquet into folder (readable by any DuckDB version), and
    its source-file store as folder/sources."""
    folder.mkdir(parents=True, exist_ok=True)
    src_sources = sources.store_for(src).root
    if "://" not in src_sources and Path(src_sources).is_dir():
        shutil.copytree(src_sources, folder / "sources", dirs_exist_ok=True)
    con = duckdb.connect(":memory:")
    try:
        tables = _source_tables(con, Path(src))
        for name, read in tables.items():
            con.execute(f"copy (select * from {read}) to {_quote(str(folder / (name + '.parquet')))} (format parquet)")
    finally:
        con.close()
    return sorted(tables)


def _copy_sources(con: duckdb.DuckDBPyConnection, old: sources.SourceStore, new: sources.SourceStore) -> int:
    """The county's stored source files into the target's store, each read hash-checked; a missing one stops
    the migration (nothing committed) rather than leaving a report whose original is lost."""
    shas = [r[0] for r in con.execute("select sha256 from reports where source_stored").fetchall()]
    for sha in shas:
        if not new.has(sha):
            new.put(old.get(sha), sha)
    return len(shas)


def migrate_store(src: Path, db: str | os.PathLike[str]) -> dict[str, int]:
    """Copy every table of a county file (or a --to-folder folder) into an empty store; returns rows per table."""
    src = Path(src)
    if not src.is_dir():
        with tempfile.TemporaryDirectory(prefix="nianbao-migrate-") as tmp:
            to_folder(src, Path(tmp))
            return migrate_store(Path(tmp), db)
    counts: dict[str, int] = {}
    with writer(db) as con:
        if con.execute("select count(*) from reports").fetchall()[0][0]:
            raise RuntimeError("目标存储中已有报告；迁移只写入空的存储 / the target store already holds reports")
        tables = _source_tables(con, Path(src))
        if "reports" not in tables:
            raise RuntimeError(f"{src} 中没有 reports 表 / {src} holds no reports table")
        have = {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = "
                                          "current_database() and schema_name = 'main'").fetchall()}
        for name, read in tables.items():
            if name in NOT_COPIED:
                continue
            source_cols = [r[0] for r in con.execute(f"describe select * from {read}").fetchall()]
            if name not in have:
                # a table the lake's migrations do not know (added by a newer install): same columns and types
                con.execute(f'create table "{name}" as select * from {read} limit 0')
            target_cols = {r[0] for r in con.execute(f'describe "{name}"').fetchall()}
            cols = ", ".join(f'"{c}"' for c in source_cols if c in target_cols)
            con.execute(f'delete from "{name}"')  # e.g. registry rows a fresh store synced: the county's replace them
            con.execute(f'insert into "{name}" ({cols}) select {cols} from {read}')
            counts[name] = int(con.execute(f'select count(*) from "{name}"').fetchall()[0][0])
        store = sources.store_for(db)
        counts["sources_moved"] = sources.move_out(con, store)
        counts["sources_copied"] = _copy_sources(con, sources.SourceStore(str(src / "sources")), store)
    return counts


def migrate_store_command(
    src: Path = typer.Argument(..., help="县级 DuckDB 文件，或 --to-folder 写出的文件夹"),
    db: str = typer.Option(None, "--db", help="目标存储（ducklake:postgres:… 或 DuckDB 文件；默认 $NIANBAO_DB）"),
    data_path: str = typer.Option(None, "--data-path", help="湖仓数据文件夹或 URL（默认 $NIANBAO_DATA_PATH）"),
    folder: Path = typer.Option(None, "--to-folder", help="只把各表写成 Parquet 到此文件夹（在县级安装中运行）"),
) -> None:
    """把县级数据库迁入 DuckLake（历史版本、问题、复核与审计日志全部保留） / Move a county file into a lake."""
    from rich.console import Console

    from dashboard.store.location import db_path

    console = Console()
    if folder:
        names = to_folder(src, folder)
        console.print(f"已写出 {len(names)} 张表到 {folder}（wrote {len(names)} tables）")
        return
    if data_path:
        os.environ["NIANBAO_DATA_PATH"] = data_path
    target = db_path(db)
    try:
        counts = migrate_store(src, target)
    except RuntimeError as exc:
        Console(stderr=True).print(f"[red]错误[/red] {exc}")
        raise typer.Exit(code=2) from None
    console.print("  ".join(f"{k} {v}" for k, v in counts.items()) + f"（迁入 {target}）")
