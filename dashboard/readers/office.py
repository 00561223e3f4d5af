"""LibreOffice, bounded: at most `slot_count()` conversions at once on the machine, each within the time and memory
of a parse.

Each .doc/.wps is converted by a LibreOffice it starts (~210 MB). Without a bound, every worker of every ingest
(and the upload page) could start one at the same moment. A conversion first takes a slot: an exclusive `flock` on
one of N files in a per-user folder under the temp directory (N = the cores, as many as the default workers; or
$NIANBAO_OFFICE_SLOTS). The kernel releases a slot when its holder ends, however it ends (a worker killed for its
time included), so a slot is never lost. Waiting for a slot counts against the file's own time limit.

LibreOffice runs in its own process group. It is watched every 50 ms: past the deadline, or when the resident memory
of its processes passes the file's memory limit, the whole group is killed; it is also killed when the conversion
ends, so nothing of it outlives its slot. Its address space is capped a little above what it maps at rest (it maps
far more than it uses, so the parse's own RLIMIT_AS would stop it before it starts).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dashboard.errors import RESOURCE_EN, RESOURCE_ZH, ReportError
from dashboard.limits import file_limits

log = logging.getLogger("nianbao.readers")
SLOTS_ENV = "NIANBAO_OFFICE_SLOTS"
ADDRESS_SPACE_SLACK_MB = 2048  # LibreOffice maps ~0.5 GB at rest: its ceiling is the file's memory plus this
POLL_S = 0.05


def slot_count() -> int:
    """How many conversions may run at once on this machine: $NIANBAO_OFFICE_SLOTS, else the cores."""
    raw = os.environ.get(SLOTS_ENV, "")
    if raw.isascii() and raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def slot_dir() -> Path:
    """The folder of the slot files (and each slot's LibreOffice profile): one per user, private to it."""
    d = Path(tempfile.gettempdir()) / f"nianbao-office-{os.getuid()}"
    try:
        d.mkdir(mode=0o700, exist_ok=True)
        st = d.lstat()
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077:
            return d
    except OSError:
        pass
    # someone else's folder (or a link) in its place: fall back to a private one, bounded in this process only
    log.warning("office slot folder %s is not ours; conversions are bounded in this process only", d)
    return Path(tempfile.mkdtemp(prefix="nianbao-office-"))


@contextlib.contextmanager
def office_slot(deadline: float, folder: Path | None = None) -> Iterator[int | None]:
    """Hold one conversion slot for the block (its number), or None when none was free before `deadline`
    (time.monotonic()). `folder`: the slot folder (default `slot_dir()`)."""
    folder, n = folder or slot_dir(), slot_count()
    while True:
        for i in range(n):
            fd = os.open(folder / f"slot-{i}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            try:
                yield i
            finally:
                os.close(fd)  # releases the lock
            return
        if time.monotonic() >= deadline:
            yield None
            return
        time.sleep(0.1)


def _children(pid: int) -> list[int]:
    """pid's descendants (from /proc/PID/task/TID/children; [] where there is no such file)."""
    out: list[int] = []
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children", encoding="ascii") as fh:
                    kids = [int(x) for x in fh.read().split()]
            except (OSError, ValueError):
                continue
            out += kids
            stack += kids
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and its descendants (0 when none can be read)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    return total


def _limit_office(memory_mb: int) -> None:
    """In the LibreOffice child: an address-space ceiling of its own (the parse worker's is too low for it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = resource.RLIM_INFINITY if memory_mb <= 0 else (memory_mb + ADDRESS_SPACE_SLACK_MB) * 1024 * 1024
    if hard != resource.RLIM_INFINITY and (want == resource.RLIM_INFINITY or want > hard):
        want = hard
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


GROUP_GONE_S = 2.0  # how long a killed conversion's group may take to be gone


def _kill_group(proc: subprocess.Popen) -> None:
    """End the group the conversion leads (soffice starts oosplash, which starts soffice.bin), and make sure it is
    gone: a process forked while the first signal was delivered escapes it, so the group is signalled again until
    no process is left in it (the leader reaped here, the others by init)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + GROUP_GONE_S
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return  # nothing left in the group
        time.sleep(0.02)


def run_office(args: list[str], deadline: float, memory_mb: int) -> int | None:
    """Run one LibreOffice command line in its own process group; its exit code, or None when it was killed for
    passing the deadline or `memory_mb` of resident memory. Nothing of it is left running on return."""
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=lambda: _limit_office(memory_mb))
    limit = memory_mb * 1024 * 1024 if memory_mb > 0 else 0
    try:
        while True:
            try:
                code = proc.wait(timeout=POLL_S)
                return code
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() >= deadline:
                log.warning("LibreOffice passed its time limit: killed")
                return None
            if limit and tree_rss(proc.pid) > limit:
                log.warning("LibreOffice passed its memory limit (%d MB): killed", memory_mb)
                return None
    finally:
        _kill_group(proc)


def convert_to_docx(office: str, path: Path, tmp: Path) -> Path | None:
    """Convert a .doc/.wps (a copy in tmp) to .docx with LibreOffice, within a slot and the file's limits; the
    .docx, or None when LibreOffice gives none. ReportError 超出资源限制 when no slot freed within the file's time or
    LibreOffice was killed for passing its time or memory (as a parse that passes them)."""
    memory_mb, seconds = file_limits()
    # a little inside the file's limit: the worker ends LibreOffice and says why before its parent would kill it
    deadline = time.monotonic() + seconds - min(1.0, seconds / 2)
    src = tmp / ("source" + (path.suffix.lower() or ".doc"))
    shutil.copyfile(path, src)
    outdir = tmp / "out"
    outdir.mkdir()
    folder = slot_dir()
    with office_slot(deadline, folder) as slot:
        if slot is None:
            log.warning("no LibreOffice slot freed within the time limit")
            raise ReportError(path.name, RESOURCE_ZH, RESOURCE_EN, code="resource")
        # the slot's own profile: used by one conversion at a time, kept between them (a first start costs more)
        profile = folder / f"profile-{slot}"
        cmd = [office, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault",
               f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)]
        code = run_office(cmd, deadline, memory_mb)
        if code != 0:
            shutil.rmtree(profile, ignore_errors=True)  # a killed or failed run may leave it half-written
    if code is None:
        raise ReportError(path.name, RESOURCE_ZH, RESOURCE_EN, code="resource")
    out = outdir / "source.docx"
    return out if code == 0 and out.is_file() and out.stat().st_size else None
