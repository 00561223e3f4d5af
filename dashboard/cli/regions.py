"""The region a CLI command lists, as `nianbao export` chooses it: --region, else the home county (unless one
agency is named), "全部地区" for every region. One place for the commands that list figures or findings."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console


def command_regions(region: str | None, target: Path, named_agency: bool, err: Console) -> list[str] | None:
    """The regions (a region and those below it) a command's output is limited to; None = every region.

    Says on stderr which scope it took when it took the home county, as export does."""
    from dashboard.export.data import home_region
    from dashboard.scope import ALL_REGIONS, RegionTree

    if region == ALL_REGIONS or (region is None and named_agency):
        return None
    source = ""
    if region is None:
        region, source = home_region(target)
        if not region:
            return None
    if source:
        err.print(f"范围：本县 {region}（{source}；其他地区用 --region，全部地区用 --region 全部地区）")
    return RegionTree.load().below(region)
