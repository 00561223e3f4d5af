"""Empty and partial packs: a scope without reports writes nothing and says so; a partial year states its coverage."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from typer.testing import CliRunner

from dashboard.cli import _register_all, app
from dashboard.export import build_pack
from dashboard.export.data import EmptyPackError, PackScope, load_pack_data
from dashboard.ingest.pipeline import ingest_paths
from dashboard.synth import synthesize

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 simulated agencies reporting 2022 and 2024, of which only 3 reported 2023; plus 上海市科委's 2024 report."""
    root = tmp_path_factory.mktemp("partial")
    synth = synthesize(root / "synth", 8, [2022, 2023, 2024], ["md"], seed=11, rate=0.0)
    files = sorted(p for p in (root / "synth" / "reports").rglob("*") if p.is_file())
    late = [f for f in files if "2023" in f.name]
    keep = [f for f in files if "2023" not in f.name] + late[:3]
    path = root / "nianbao.duckdb"
    summary = ingest_paths([*keep, FIXTURES / "shanghai-kewei-2024.md"], db=path)
    assert summary.counts()["failed"] == 0 and len(late) == len(synth.agencies) == 8
    return path


def test_a_region_without_reports_that_year_is_an_empty_pack(db: Path) -> None:
    with pytest.raises(EmptyPackError, match="没有收到任何报告"):
        load_pack_data(2023, None, db, PackScope(region="上海市"))


def test_cli_export_of_an_empty_scope_exits_non_zero_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    _register_all()
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", "--year", "2023", "--region", "上海市", "--db", str(db),
                                      "--out", str(out)])
    assert result.exit_code != 0
    assert "没有收到任何报告" in result.output and "未生成" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_cli_export_of_an_unknown_region_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    _register_all()
    result = CliRunner().invoke(app, ["export", "--year", "2024", "--region", "不存在县", "--db", str(db),
                                      "--out", str(tmp_path)])
    assert result.exit_code != 0 and "没有地区" in result.output
    assert not any(tmp_path.iterdir())


def test_a_partial_year_counts_received_and_expected_reports(db: Path) -> None:
    data = load_pack_data(2023, None, db, PackScope(agency_ids=_simulated(db)))
    assert (data.received, data.expected) == (3, 8)
    assert len(data.non_reporters) == 5
    assert set(data.non_reporters["years_missed"]) == {1}
    assert set(data.non_reporters["last_report"]) == {2022}


@pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="Chromium renders the chart images")
def test_a_partial_pack_states_its_coverage_on_the_title_slide_and_in_the_brief(db: Path, tmp_path: Path) -> None:
    files = build_pack(2023, None, db, tmp_path, scope=PackScope(agency_ids=_simulated(db)))
    title = "\n".join(s.text_frame.text for s in Presentation(str(files["pptx"])).slides[0].shapes if s.has_text_frame)
    assert "收到 3 份 / 应报 8 份" in title and "数据不全" in title
    brief = "\n".join(p.text for p in Document(str(files["docx"])).paragraphs)
    assert "收到 3 / 应报 8" in brief
    names = [s.text_frame.text for sl in Presentation(str(files["pptx"])).slides for s in sl.shapes
             if s.has_text_frame]
    assert any(t.startswith("缺报名单") for t in names)
    # The trend draws 2023 (3 of 8 reports) hollow and says 数据不全, in the native chart's own XML.
    chart = next(sh.chart for sl in Presentation(str(files["pptx"])).slides for sh in sl.shapes
                 if sh.has_chart and "2023年" in list(sh.chart.plots[0].categories)
                 and sh.chart.chart_type is not None and len(sh.chart.plots[0].categories) == 2)
    xml = re.sub(r">\s+<", "><", chart._chartSpace.xml)  # noqa: SLF001 — python-pptx reads no point formats
    assert '<c:idx val="1"/><c:marker><c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/>' in xml
    assert "数据不全（3/8）" in xml


def _simulated(db: Path) -> tuple[int, ...]:
    """The eight simulated agencies (not in the registry: the fixture's seed names units of its own)."""
    from dashboard.queries import run_query

    agencies = run_query("app_agencies", db=db)
    return tuple(int(a) for a in agencies[~agencies["in_registry"].fillna(False).astype(bool)]["agency_id"])
