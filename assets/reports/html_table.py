"""One table of a report page as HTML: the columns a page shows, with their headers; every value escaped. Shared by
the report page (``html.py``) and its joint sections (``joint_html.py``)."""

from __future__ import annotations

import jinja2
import polars as pl


def html_table(frame: pl.DataFrame | None, columns: dict[str, str]) -> str:
    if frame is None or frame.height == 0:
        return "<p>无数据 No data for this period.</p>"
    shown = {c: h for c, h in columns.items() if c in frame.columns}
    env = jinja2.Environment(autoescape=True)
    tpl = env.from_string(
        "<table><tr>{% for h in heads %}<th>{{ h }}</th>{% endfor %}</tr>"
        "{% for row in rows %}<tr>{% for v in row %}<td{% if v == '否' %} class=bad{% endif %}>{{ v }}</td>"
        "{% endfor %}</tr>{% endfor %}</table>"
    )
    rows = [[_cell(v) for v in row] for row in frame.select(list(shown)).iter_rows()]
    return tpl.render(heads=list(shown.values()), rows=rows)


def _cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "、".join(map(str, v))
    return str(v)
