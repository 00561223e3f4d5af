"""HTML pages like a government portal's: page chrome around the report, real rowspan/colspan tables."""

from __future__ import annotations

from html import escape
from pathlib import Path

from dashboard.synth.document import Grid, PrintedReport

_TD = ('style="padding:0 4px;border:1px solid windowtext" valign="center"')
_CHROME_TOP = """<div class="nav"><a href="#">首页</a> <a href="#">政务公开</a> <a href="#">政府信息公开年报</a></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>"""
_CHROME_BOTTOM = """<div class="footer"><p>主办：{region}人民政府（模拟数据，仅供演示）</p><p>网站标识码：0000000000</p></div>"""
_CSS = ("body{font-family:'WenQuanYi Micro Hei',sans-serif;font-size:12pt;margin:2em}"
        "table{border-collapse:collapse;margin:0.5em auto;font-size:10pt}td{text-align:center}"
        ".nav,.position,.footer{color:#666;font-size:9pt}h1{font-size:16pt;text-align:center}")


def grid_html(grid: Grid) -> str:
    """A grid as an HTML table; multi-line cell text becomes <p> per line."""
    out = ['<table align="center" border="1" cellspacing="0" style="border-collapse:collapse"><tbody>']
    for row in grid.rows:
        out.append("<tr>")
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            body = "".join(f"<p>{escape(line)}</p>" for line in cell.text.split("\n")) if cell.text else ""
            out.append(f"<td{attrs} {_TD}>{body}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def report_html(doc: PrintedReport, region: str = "", chrome: bool = True) -> str:
    """The whole page as a string (also the source the PDF writer prints)."""
    body: list[str] = []
    for block in doc.blocks:
        if block.kind == "title":
            body.append(f"<h1>{escape(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f'<p style="font-weight:bold">{escape(block.text)}</p>')
        elif block.kind == "para":
            body.append(f'<p style="text-indent:2em">{escape(block.text)}</p>')
        elif block.grid is not None:
            body.append(grid_html(block.grid))
    top = _CHROME_TOP if chrome else ""
    bottom = _CHROME_BOTTOM.format(region=escape(region)) if chrome else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
            f"<style>{_CSS}</style></head><body>{top}<div class=\"article\">{''.join(body)}</div>{bottom}"
            "</body></html>")


def write_html(doc: PrintedReport, path: Path, region: str = "") -> Path:
    """Write one report as an HTML page (UTF-8)."""
    path.write_text(report_html(doc, region), encoding="utf-8")
    return path
