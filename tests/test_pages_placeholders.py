"""No English placeholder in a choice box: Streamlit shows "Choose options" in an empty multiselect and "Choose an
option" in a selectbox without a choice unless the page gives its own text."""

from __future__ import annotations

import ast
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "dashboard" / "pages"


def _choice_boxes() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(PAGES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("multiselect", "selectbox"):
                found.append((path.name, node.lineno, node))
    return found


def _may_be_empty(call: ast.Call) -> bool:
    """A multiselect starts empty; a selectbox does when its index may be None."""
    if call.func.attr == "multiselect":  # type: ignore[union-attr]
        return True
    index = next((k.value for k in call.keywords if k.arg == "index"), None)
    if index is None:
        return False  # the first option is chosen
    return any(isinstance(n, ast.Constant) and n.value is None for n in ast.walk(index))  # None, or `… if … else None`


def test_every_choice_box_that_may_be_empty_says_so_in_chinese() -> None:
    boxes = _choice_boxes()
    assert len(boxes) >= 10  # the walk found the pages' boxes
    missing = [f"{name}:{line}" for name, line, call in boxes
               if _may_be_empty(call) and not any(k.arg == "placeholder" for k in call.keywords)]
    assert not missing, missing
