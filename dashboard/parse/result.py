"""The canonical report being built: values, as-printed text, flags, units and problems, keyed by cell code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dashboard.catalogue.labels import ROW_ZH, TABLE_ZH
from dashboard.parse.normalize import CellValue


def rows_zh(table: str, rows: list[str]) -> str:
    """Rows named as a reader sees them ('本年新收申请、总计'), never by their codes."""
    return "、".join(f"「{ROW_ZH.get(table, {}).get(r, r)}」" for r in rows)


def table_zh(table: str) -> str:
    """'三、依申请公开' for 'applications'."""
    return TABLE_ZH.get(table, table)


@dataclass
class Problem:
    """Something the parser could not do with certainty; goes into the output, never swallowed."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message_zh: str
    message_en: str
    cells: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON form."""
        return {"code": self.code, "severity": self.severity, "message_zh": self.message_zh,
                "message_en": self.message_en, "cells": self.cells}


@dataclass
class Builder:
    """Accumulates the cells of one report."""

    tables: dict[str, dict[str, dict[str, int | float | None]]] = field(
        default_factory=lambda: {"disclosure": {}, "applications": {}, "appeals": {}})
    printed: dict[str, str] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def put(self, table: str, row: str, col: str, cell: CellValue | None, flag: str | None = None) -> None:
        """Set one cell; a None cell is a cell the report does not give (flag says why)."""
        cols = self.tables[table].get(row)
        if cols is None:
            cols = self.tables[table][row] = {}
        if cell is None:
            cols[col] = None
            self.flags[f"{table}.{row}.{col}"] = flag or "missing"
            return
        self._store(cols, f"{table}.{row}.", (col,), (cell,), flag, placed_first=True)

    def _store(self, target: dict[str, int | float | None], prefix: str, cols: Sequence[str],
               cells: Sequence[CellValue], flag: str | None, placed_first: bool = False) -> None:
        """Store read cells of one row: each value, the text as printed, its flag and its note — the one place a read
        cell is stored, a row at a time (put_row: ~150 cells a report). A cell's flag is the reader's (cell.flag)
        or how it was placed (`flag`), whichever comes first: the placement for put, the reader's for put_row."""
        printed, flags, notes = self.printed, self.flags, self.notes
        for col, cell in zip(cols, cells, strict=True):
            key = prefix + col
            target[col] = cell.value
            printed[key] = cell.printed
            why = (flag or cell.flag) if placed_first else (cell.flag or flag)
            if why:
                flags[key] = why
            else:
                flags.pop(key, None)
            if cell.note:
                notes[key] = cell.note

    def put_row(self, table: str, row: str, cols: list[str], cells: list[CellValue], flag: str | None = None) -> None:
        """Set a row's cells in column order (as put, cell by cell); `flag` says how the row was placed and marks
        the cells the reader left unflagged."""
        self._store(self.tables[table].setdefault(row, {}), f"{table}.{row}.", cols, cells, flag)

    def put_unread(self, table: str, row: str, cols: list[str], flag: str) -> None:
        """Set a row's cells to None, each flagged why it was not read ('missing', 'unreadable')."""
        target = self.tables[table].setdefault(row, {})
        prefix = f"{table}.{row}."
        for col in cols:
            target[col] = None
            self.flags[prefix + col] = flag

    def problem(self, code: str, severity: str, zh: str, en: str, cells: list[str] | None = None) -> None:
        """Record a problem."""
        self.problems.append(Problem(code, severity, zh, en, cells or []))
