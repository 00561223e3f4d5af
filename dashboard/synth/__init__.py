"""Simulated reports: a model county, its figures, planted defects, one writer per file format."""

from __future__ import annotations

from dashboard.synth.generate import FORMATS, SynthResult, parse_years, synthesize

__all__ = ["FORMATS", "SynthResult", "parse_years", "synthesize"]
