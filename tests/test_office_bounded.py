"""LibreOffice conversions are bounded (issue 23 item 3): no more at once than there are slots, across processes;
each killed with its whole process group past the file's time or memory limit; a slot freed however its holder
ends. The real LibreOffice converts real files: the blank template saved as a legacy .doc by LibreOffice itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from dashboard import limits
from dashboard.errors import RESOURCE_ZH, ReportError
from dashboard.readers import read_document
from dashboard.readers.office import office_slot

ROOT = Path(__file__).resolve().parents[1]
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(OFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
BLANK = ROOT / "tests" / "fixtures" / "template-2021-blank.docx"
_DOC: list[bytes] = []


def _legacy(folder: Path, name: str) -> Path:
    """A real legacy Word file (.doc, OLE), made once by LibreOffice from the blank template."""
    if not _DOC:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([OFFICE, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "doc",
                            "--outdir", tmp, str(BLANK)], check=True, capture_output=True, timeout=180)
            _DOC.append((Path(tmp) / "template-2021-blank.doc").read_bytes())
    path = folder / name
    path.write_bytes(_DOC[0])
    return path


def _office_processes(marker: Path) -> list[psutil.Process]:
    """LibreOffice's processes started for this test (their profile lives under marker)."""
    out = []
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info.get("cmdline") or [])
        if str(marker) in cmd and "UserInstallation" in cmd:
            out.append(p)
    return out


def _conversions(marker: Path) -> int:
    """LibreOffice runs alive now: their process groups (the soffice script, oosplash, soffice.bin share one)."""
    groups = set()
    for p in _office_processes(marker):
        try:
            groups.add(os.getpgid(p.pid))
        except OSError:
            pass
    return len(groups)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The slot folder of this test alone (the slots are per user and machine-wide otherwise)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("TMPDIR", str(tmp))
    return tmp


@needs_office
def test_no_more_conversions_run_at_once_than_there_are_slots_across_processes(private_tmp: Path,
                                                                                tmp_path: Path) -> None:
    files = [_legacy(tmp_path, f"r{i}.doc") for i in range(5)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(private_tmp), "NIANBAO_OFFICE_SLOTS": "2"}
    code = ("import sys; from dashboard.readers import read_document; "
            "d = read_document(sys.argv[1]); print(d.meta.get('converted_with'))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(f)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    peak = 0
    deadline = time.monotonic() + 170
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        peak = max(peak, _conversions(private_tmp))
        time.sleep(0.02)
    outs = [p.communicate(timeout=10) for p in procs]
    assert [o.strip() for o, _ in outs] == ["LibreOffice"] * 5, [e[-500:] for _, e in outs]
    assert peak == 2  # five conversions asked for at once, two ran at a time
    assert _office_processes(private_tmp) == []


@needs_office
def test_libreoffice_past_the_files_time_is_killed_with_its_whole_group(private_tmp: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_FILE_LIMITS", [1024, 1.0])  # LibreOffice takes seconds to start
    start = time.monotonic()
    with pytest.raises(ReportError) as err:
        read_document(_legacy(tmp_path, "slow.doc"))
    assert err.value.code == "resource" and err.value.reason_zh == RESOURCE_ZH and err.value.source == "slow.doc"
    assert time.monotonic() - start < 5
    assert _office_processes(private_tmp) == []


@needs_office
def test_libreoffice_past_the_files_memory_is_killed_with_its_whole_group(private_tmp: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_FILE_LIMITS", [64, 120.0])  # LibreOffice alone is ~200 MB resident
    start = time.monotonic()
    with pytest.raises(ReportError) as err:
        read_document(_legacy(tmp_path, "big.doc"))
    assert err.value.code == "resource" and err.value.reason_zh == RESOURCE_ZH
    assert time.monotonic() - start < 60  # stopped by its memory, long before its time
    assert _office_processes(private_tmp) == []


@needs_office
def test_waiting_for_a_slot_counts_against_the_files_time(private_tmp: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_OFFICE_SLOTS", "1")
    monkeypatch.setattr(limits, "_FILE_LIMITS", [1024, 2.0])
    with office_slot(time.monotonic() + 5) as held:
        assert held == 0
        start = time.monotonic()
        with pytest.raises(ReportError) as err:
            read_document(_legacy(tmp_path, "waits.doc"))
        waited = time.monotonic() - start
    assert err.value.code == "resource" and 0.9 <= waited < 2  # it waited, and gave up inside the file's 2 s
    assert _office_processes(private_tmp) == []  # it never started


def test_a_slot_is_freed_when_its_holder_is_killed(private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_OFFICE_SLOTS", "1")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(private_tmp), "NIANBAO_OFFICE_SLOTS": "1"}
    code = ("import time; from dashboard.readers.office import office_slot\n"
            "with office_slot(time.monotonic() + 5) as s:\n    print(s, flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "0"  # type: ignore[union-attr]
        with office_slot(time.monotonic() + 0.3) as slot:
            assert slot is None  # taken by the other process
        holder.kill()
        holder.wait()
        with office_slot(time.monotonic() + 2) as slot:
            assert slot == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
