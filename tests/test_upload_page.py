"""导入 page honesty: failures are shown as failures with their reason, uploads are parsed in workers and queue."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.workers import TurnQueue

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "pages" / "upload.py"
SPAN_BOMB = ("<html><body><table>" + ("<tr>" + '<td rowspan="200" colspan="200">1</td>' * 40 + "</tr>") * 24
             + "</table></body></html>").encode()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "n.duckdb"
    monkeypatch.setenv("NIANBAO_DB", str(path))
    return path


def _upload(files: list[tuple[str, bytes, str]]) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120).run()
    at.file_uploader(key="w_upload").set_value(files).run()
    [b for b in at.button if b.label.startswith("导入")][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_failed_upload_is_an_error_with_its_reason_never_in_the_success_box(db: Path) -> None:
    at = _upload([("hongze-2023.pdf", (FIXTURES / "hongze-2023.pdf").read_bytes(), "application/pdf"),
                  ("span-bomb.html", SPAN_BOMB, "text/html"),
                  ("![x](http:／／127.0.0.1／b).txt", b"", "text/plain")])
    assert [s.value for s in at.success] and all("失败" not in s.value for s in at.success)
    (error,) = [e.value for e in at.error]
    assert "2 个文件导入失败" in error and "网页表格过大" in error and "文件为空" in error
    assert "!\\[x\\]" in error  # the name is literal text, not a Markdown image
    result = at.dataframe[0].value.set_index("文件")
    assert result.loc["hongze-2023.pdf", "结果"] == "已导入"
    assert result.loc["span-bomb.html", "结果"] == "失败"
    assert "None" not in result.to_string() and "nan" not in result.to_string()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from current_reports").fetchall()[0][0] == 1
    con.close()


def test_the_uploader_names_doc_and_wps_only_when_libreoffice_can_convert_them(db: Path) -> None:
    import shutil

    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    office = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    help_text = at.file_uploader(key="w_upload").help or ""
    assert (".doc" in help_text.replace(".docx", "")) == office
    assert any("LibreOffice" in cap.value for cap in at.caption) != office


def test_a_second_import_waits_its_turn_and_sees_its_place_in_the_line() -> None:
    line = TurnQueue()
    first, second = line.join(), line.join()
    seen: list[int] = []
    done = threading.Event()

    def later() -> None:
        line.wait_turn(second, seen.append, poll_s=0.01)
        done.set()

    t = threading.Thread(target=later)
    t.start()
    time.sleep(0.2)
    assert seen == [1] and not done.is_set()
    line.leave(first)
    t.join(5)
    assert done.is_set() and line.ahead(second) == 0
