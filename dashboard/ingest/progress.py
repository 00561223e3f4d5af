"""The ingest progress bar (rich), or none."""

from __future__ import annotations


class NoBar:
    """No progress shown (tests, --quiet)."""

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def advance(self, name: str) -> None:
        return None


class RichBar(NoBar):
    """A rich progress bar over the files being read."""

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("读取 {task.fields[name]}"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), transient=False)
        self.task = self.progress.add_task("ingest", total=total, name="")

    def __enter__(self) -> RichBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, name: str) -> None:
        from dashboard.text import shown  # a name is text, never Rich markup or terminal control

        self.progress.update(self.task, advance=1, name=shown(name[:40]))


def progress_bar(enabled: bool, total: int) -> NoBar:
    """A rich bar when enabled, else one that shows nothing."""
    return RichBar(total) if enabled else NoBar()
