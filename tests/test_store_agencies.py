"""The agency registry: matching by normalized name and alias only, and the one classifier of kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.parse.names import name_key
from dashboard.registry import Registry, classify_kind, load_registry

REGISTRY = Registry.load()


@pytest.mark.parametrize("printed", ["红崖子沟乡人民政府", "红崖子沟乡", "红崖子沟乡 人民政府", "互助县红崖子沟乡人民政府",
                                     "红崖子沟乡人民政府 "])
def test_printed_variants_of_a_township_match_its_registry_entry(printed: str) -> None:
    assert REGISTRY.match(printed).agency.name == "红崖子沟乡人民政府"


def test_an_alias_matches_the_canonical_name() -> None:
    assert REGISTRY.match("上海市科委").agency.name == "上海市科学技术委员会"


def test_a_similar_name_is_only_suggested_never_matched() -> None:
    m = REGISTRY.match("红崖子乡人民政府")
    assert m.agency is None
    assert m.suggestion == "红崖子沟乡人民政府"


def test_an_unrelated_name_gets_no_suggestion() -> None:
    assert REGISTRY.match("某某县教育局").suggestion is None


@pytest.mark.parametrize(("name", "kind"), [
    ("红崖子沟乡人民政府", "乡"), ("某某民族乡", "乡"), ("某某镇人民政府", "镇"), ("某某镇", "镇"),
    ("某某街道办事处", "街道"), ("某某街道", "街道"), ("互助县人民政府", "政府"), ("平潭综合实验区", "政府"),
    ("互助县人民政府办公室", "部门"), ("互助县教育局", "部门"), ("上海市科学技术委员会", "部门"),
    ("某县市场监督管理局", "部门"),
])
def test_kind_is_read_from_the_name_when_the_registry_has_none(name: str, kind: str) -> None:
    assert classify_kind(name) == kind


def test_the_registry_kind_wins_over_the_name() -> None:
    assert classify_kind("某某镇", "街道") == "街道"


def test_the_bundled_registry_holds_the_corpus_agencies_with_kinds() -> None:
    rows = {a.name: a for a in load_registry()}
    assert {"红崖子沟乡人民政府", "洪泽区人民政府", "平潭综合实验区", "上海市科学技术委员会"} <= set(rows)
    assert rows["红崖子沟乡人民政府"].kind == "乡" and rows["红崖子沟乡人民政府"].region == "互助县"


def test_a_registry_file_with_aliases_separated_by_bars_is_read(tmp_path: Path) -> None:
    csv = tmp_path / "agencies.csv"
    csv.write_text("name,aliases,kind,region\n某某街道办事处,某某街道|某街道,,某县\n", encoding="utf-8")
    reg = Registry.load(csv)
    assert reg.match("某街道").agency.kind == "街道"
    assert name_key("某某街道办事处") == name_key("某某街道")
