"""The limits of reading one file, defined once for every path that reads one: `nianbao parse`, ingest, the upload
page, 校对 and collect. Size and page count are checked before any work starts (`check_file`: no byte read beyond
the file's head, no page rendered); time and memory bound the reading itself (`bounded` in the calling process,
the worker pool's `Limits` in a worker).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from dashboard.errors import RESOURCE_EN, RESOURCE_ZH, ReportError

MAX_BYTES = 200 * 1024 * 1024  # no annual report is this large; beyond it the file is not one
MAX_PDF_PAGES = 200  # a county report has 3–30 pages; a PDF of thousands is not one, and costs minutes to read
MAX_SCAN_PAGES = 60  # a scanned report is a handful of pages; OCR time and page images grow with every page
MEMORY_MB = 1024  # what reading one file may add to its process's address space
SECONDS = 60.0  # wall-clock time to read one file


def refuse_size(name: str, size: int) -> None:
    """ReportError when a file of `size` bytes is larger than any report."""
    if size > MAX_BYTES:
        raise ReportError(name, f"文件过大（{size // 1048576} MB，上限 {MAX_BYTES // 1048576} MB），不像是一份年度报告",
                          f"the file is too large ({size // 1048576} MB, at most {MAX_BYTES // 1048576} MB) to be an "
                          "annual report", code="huge")


def refuse_pdf_pages(name: str, pages: int) -> None:
    """ReportError when a PDF has more pages than any report."""
    if pages > MAX_PDF_PAGES:
        raise ReportError(name, f"PDF 页数过多（{pages} 页，上限 {MAX_PDF_PAGES} 页），不像是一份年度报告",
                          f"the PDF has too many pages ({pages}, at most {MAX_PDF_PAGES}) to be an annual report",
                          code="limits")


def refuse_scan_pages(name: str, pages: int) -> None:
    """ReportError when a scan (image-only PDF, multi-page image) has more pages than OCR should read."""
    if pages > MAX_SCAN_PAGES:
        raise ReportError(name, f"扫描件有 {pages} 页，超过 {MAX_SCAN_PAGES} 页，不像是一份年度报告",
                          f"the scan has {pages} pages, more than {MAX_SCAN_PAGES}; not an annual report", code="huge")


def pdf_pages(path: Path) -> int | None:
    """Pages of a PDF counted from its page tree (PDFium loads pages lazily: nothing is rendered or read); None
    when it cannot be opened (the reader then says what is wrong)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 — damaged or encrypted: the reader gives the reason
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def check_file(path: Path) -> int:
    """Refuse a file before it is read: larger than MAX_BYTES, or a PDF of more than MAX_PDF_PAGES pages.
    Returns the file's size. Only the first bytes are read (to know a PDF); ReportError says why."""
    path = Path(path)
    if not path.is_file():
        return 0  # a folder, a device, a missing file: the reader names what it is
    size = path.stat().st_size
    refuse_size(path.name, size)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        pages = pdf_pages(path)
        if pages is not None:
            refuse_pdf_pages(path.name, pages)
    return size


M_ARENA_MAX = -8  # glibc's mallopt parameter


def cap_malloc_arenas(arenas: int = 2) -> bool:
    """Let glibc's malloc keep at most `arenas` arenas in this process (call it before threads start). By default
    every thread that meets a busy arena gets one of its own (up to 8 per core) and memory freed in one is not
    reused by the others: a long ingest parent, whose DuckDB and file-store threads change with each batch, grew
    ~2 MB a batch of 200 files that way (flat with 2 arenas, no slower: bench/memory.py). True when set; False
    where malloc is not glibc's."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, max(1, arenas)))
    except (OSError, AttributeError):
        return False


_FILE_LIMITS = [MEMORY_MB, SECONDS]  # this process's: what a worker (or `bounded`) was given


def use_file_limits(memory_mb: int, seconds: float) -> None:
    """Set the limits of reading one file in this process (a worker at its start): what a child it starts for one
    file (LibreOffice) is held to."""
    _FILE_LIMITS[:] = [memory_mb, seconds]


def file_limits() -> tuple[int, float]:
    """(memory MB, seconds) of reading one file in this process: MEMORY_MB, SECONDS unless set."""
    return int(_FILE_LIMITS[0]), float(_FILE_LIMITS[1])


class OverTime(Exception):  # noqa: N818 — a reason, not a bug
    """Reading one file took longer than SECONDS."""


def address_space() -> int:
    """This process's virtual address space now, in bytes (/proc/self/statm; 0 where there is none)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def bounded(memory_mb: int = MEMORY_MB, seconds: float = SECONDS) -> Iterator[None]:
    """Read one file in this process within the same limits a worker has: the address space may grow by
    `memory_mb` (MemoryError past it) and the block may take `seconds` (ReportError 超出资源限制 past it; the
    alarm needs the main thread, elsewhere only memory is bounded). Limits are restored on exit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    now = address_space() if memory_mb > 0 else 0
    if now:
        want = now + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    main = threading.current_thread() is threading.main_thread() and seconds > 0
    before = file_limits()
    use_file_limits(memory_mb, seconds)

    def _alarm(_sig: int, _frame: object) -> None:
        raise OverTime

    old = signal.signal(signal.SIGALRM, _alarm) if main else None
    if main:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except OverTime:
        raise ReportError("", RESOURCE_ZH, RESOURCE_EN, code="resource") from None
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        use_file_limits(*before)
