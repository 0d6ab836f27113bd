"""Server-side SVG charts drawn by pygal: no script, scaled to any width by the page's CSS."""

from __future__ import annotations

import pygal
from pygal.style import Style

from bot.web.figures import Table

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, sans-serif",
    colors=("#2f6fdf", "#e07b24", "#2a9d5c"),
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=12,
    no_data_font_size=20,
)


def chart_svg(table: Table) -> str:
    """The table's charted columns as an inline <svg>; a hidden figure ("<5") is a gap."""
    kind = pygal.Line if table.chart == "line" else pygal.Bar
    chart = kind(
        style=_STYLE,
        js=(),  # pygal's tooltips load a script from elsewhere: none here
        disable_xml_declaration=True,
        explicit_size=False,  # a viewBox only, so CSS sets the width
        width=720,
        height=320,
        show_legend=len(table.drawn) > 1,
        legend_at_bottom=True,
        x_label_rotation=30 if len(table.rows) > 6 else 0,
        print_values=False,
        truncate_label=-1,  # an event's title is cut to fit already (bot/web/figures.py)
        allow_interruptions=True,
        range=(0, 100) if table.unit == "%" else None,
        include_x_axis=True,
        no_data_text="Nothing to draw: every figure is under five, or none",
        value_formatter=lambda value: f"{value:g}{table.unit}",
    )
    chart.title = table.title
    chart.x_labels = [row.label for row in table.rows]
    for column in table.drawn:
        chart.add(table.columns[column], [row.figures[column].value for row in table.rows])
    return str(chart.render(is_unicode=True))
