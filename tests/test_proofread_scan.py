"""校对 of a scanned report shows the page images and cell boxes saved at ingest; the web server never runs OCR."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.ingest.workers import Limits
from dashboard.store.db import open_db
from dashboard.store.sources import scan_view, store_for

ROOT = Path(__file__).resolve().parent.parent
SCAN = Path(__file__).parent / "fixtures" / "hongze-2023-scan-clean.pdf"

# The page in a fresh interpreter with OCR forbidden (the engine raises if anything asks for it): what it shows,
# and whether the OCR engine was imported at all.
PAGE_RUN = """
import json, sys, time
from streamlit.testing.v1 import AppTest
from dashboard.review.users import User
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.session_state["auth"] = {"user": User("张编辑", "编辑"), "login_at": time.time(), "seen_at": time.time()}
at.query_params["report"] = sys.argv[2]
at.run()
shown = {"errors": [e.value for e in at.exception], "captions": [], "tables": []}
for tbl in ("applications", "disclosure", "appeals"):
    at.radio(key="w_pr_table").set_value(tbl).run()
    shown["errors"] += [e.value for e in at.exception]
    shown["captions"] += [c for x in at.get("image") for c in x.captions]
shown["ocr_imported"] = "dashboard.readers.ocr_engine" in sys.modules or "rapidocr_onnxruntime" in sys.modules
print(json.dumps(shown, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    pytest.importorskip("rapidocr_onnxruntime")
    db = tmp_path_factory.mktemp("scan") / "n.duckdb"
    # the time limit is generous: OCR of 4 pages takes ~30 s alone and minutes on the shared machine under load
    summary = ingest_paths([SCAN], db=db, workers=1, limits=Limits(seconds=900))
    (out,) = summary.outcomes
    assert out.status == "ingested", out
    return db, int(out.report_id), hashlib.sha256(SCAN.read_bytes()).hexdigest()


def test_ingest_keeps_the_page_images_and_cell_boxes_of_a_scan_beside_its_source(scanned) -> None:
    db, rid, sha = scanned
    store = store_for(db)
    view = scan_view(store, sha)
    assert view is not None
    con = open_db(db, read_only=True)
    pages = con.execute("select format from reports where report_id = ?", [rid]).fetchone()[0]
    con.close()
    assert pages == "scan"
    assert [p["page"] for p in view["pages"]] == list(range(1, len(view["pages"]) + 1))
    for p in view["pages"]:
        png = store.get(p["png"])  # content-addressed: hash checked like a source
        assert png.startswith(b"\x89PNG") and len(png) < 600_000
    applications = [t for t in view["tables"] if "本年新收" in json.dumps(t["rows"], ensure_ascii=False)]
    assert applications and len(applications[0]["cells"]) > 20
    r0, c0, r1, c1, x0, y0, x1, y1 = applications[0]["cells"][0]
    assert 0 <= x0 < x1 and 0 <= y0 < y1


def test_proofread_of_an_ingested_scan_shows_stored_page_images_and_never_runs_ocr(scanned) -> None:
    db, rid, _ = scanned
    env = {**os.environ, "NIANBAO_DB": str(db), "NIANBAO_OCR_FORBIDDEN": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PAGE_RUN, str(ROOT / "dashboard" / "pages" / "proofread.py"),
                           str(rid)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["errors"] == []
    assert shown["ocr_imported"] is False
    # each table's part of the page it is on, from the images saved at ingest
    assert len(shown["captions"]) == 3, shown
    assert all(c.startswith("扫描件第 ") and "表格所在部分" in c for c in shown["captions"]), shown["captions"]
