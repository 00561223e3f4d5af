"""The agencies table kept in step with the registry, and the agency row of each printed name."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from dashboard.ingest.prepare import Prepared
from dashboard.parse.names import normalize_name
from dashboard.registry import Agency, Registry, classify_kind, short_name_of


def sync_registry(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Make the agencies table hold every registry row (name, short name, kind, region, aliases) — changed rows only."""
    existing = {r[0]: r[1:] for r in con.execute(
        "select name, agency_id, short_name, kind, region, aliases, in_registry, expected_from, expected_to "
        "from agencies").fetchall()}
    next_id = max((v[0] for v in existing.values()), default=0) + 1
    new_rows, changed = [], []
    for a in registry.agencies:
        row = {"name": a.name, "short_name": a.short_name, "kind": a.kind, "region": a.region, "aliases": a.aliases,
               "expected_from": a.expected_from, "expected_to": a.expected_to}
        have = existing.get(a.name)
        if have is None:
            new_rows.append({"agency_id": next_id, **row, "simulated": False, "in_registry": True})
            existing[a.name] = (next_id, a.short_name, a.kind, a.region, a.aliases, True, a.expected_from,
                                a.expected_to)
            next_id += 1
        elif (have[1], have[2], have[3], list(have[4] or []), have[5], have[6], have[7]) != (
                a.short_name, a.kind, a.region, a.aliases, True, a.expected_from, a.expected_to):
            changed.append({"agency_id": have[0], **row, "simulated": False, "in_registry": True})
    if new_rows:
        con.register("_registry_new", pa.Table.from_pylist(new_rows, schema=AGENCY_SCHEMA))
        con.execute(f"insert into agencies ({', '.join(AGENCY_SCHEMA.names)}) select * from _registry_new")
        con.unregister("_registry_new")
    if changed:
        con.register("_registry_changed", pa.Table.from_pylist(changed, schema=AGENCY_SCHEMA))
        con.execute("""update agencies set short_name = c.short_name, kind = c.kind, region = c.region,
                       aliases = c.aliases, in_registry = true, expected_from = c.expected_from,
                       expected_to = c.expected_to
                       from _registry_changed c where agencies.agency_id = c.agency_id""")
        con.unregister("_registry_changed")


def resolve_agencies(con: duckdb.DuckDBPyConnection, registry: Registry, items: list[Prepared]) -> dict[str, int]:
    """agency_id of each printed name: the registry entry it matches, else its own (not-in-registry) row."""
    ids = dict(con.execute("select name, agency_id from agencies").fetchall())
    next_id = (max(ids.values()) + 1) if ids else 1
    out: dict[str, int] = {}
    new_rows: list[dict[str, Any]] = []
    for it in items:
        printed = it.report["agency"]
        if printed in out:
            continue
        m = registry.match(printed)
        target: Agency = m.agency or Agency(normalize_name(printed), classify_kind(printed), "", [],
                                            short_name_of(printed))
        if target.name not in ids:
            new_rows.append({"agency_id": next_id, "name": target.name, "short_name": target.short_name,
                             "kind": target.kind, "region": target.region, "aliases": target.aliases,
                             "simulated": bool(it.report.get("simulated")), "in_registry": m.agency is not None,
                             "expected_from": target.expected_from, "expected_to": target.expected_to})
            ids[target.name] = next_id
            next_id += 1
        out[printed] = ids[target.name]
    if new_rows:
        con.register("_new_agencies", pa.Table.from_pylist(new_rows, schema=AGENCY_SCHEMA))
        con.execute(f"insert into agencies ({', '.join(AGENCY_SCHEMA.names)}) select * from _new_agencies")
        con.unregister("_new_agencies")
    return out


AGENCY_SCHEMA = pa.schema([("agency_id", pa.int32()), ("name", pa.string()), ("short_name", pa.string()),
                           ("kind", pa.string()), ("region", pa.string()), ("aliases", pa.list_(pa.string())),
                           ("simulated", pa.bool_()), ("in_registry", pa.bool_()),
                           ("expected_from", pa.int32()), ("expected_to", pa.int32())])
