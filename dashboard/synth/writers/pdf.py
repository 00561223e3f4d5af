"""PDF with a text layer: the HTML page printed by Debian's chromium, one browser for a whole batch."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from dashboard.synth.document import PrintedReport
from dashboard.synth.writers.html import report_html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def write_pdfs(jobs: list[tuple[PrintedReport, Path]]) -> list[Path]:
    """Print every (report, path) to PDF; playwright drives one chromium, else one chromium run per file."""
    if not jobs:
        return []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # playwright is a dev extra; the bare browser still works
        return [_print_with_cli(doc, path) for doc, path in jobs]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for doc, path in jobs:
                page.set_content(report_html(doc, chrome=False), wait_until="load")
                page.pdf(path=str(path), format="A4", print_background=False,
                         margin={"top": "2cm", "bottom": "2cm", "left": "1.8cm", "right": "1.8cm"})
        finally:
            browser.close()
    return [path for _, path in jobs]


def _print_with_cli(doc: PrintedReport, path: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(report_html(doc, chrome=False), encoding="utf-8")
        subprocess.run([CHROMIUM, *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={path}", src.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return path
