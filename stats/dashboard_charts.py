"""The dashboard's charts: pygal draws each Table as an SVG that the page embeds inline.

Inline SVG needs no JavaScript and prints. pygal's tooltip script (loaded from the internet) is turned
off; the data table under each chart carries the exact figures. Labels are Chinese, so the charts name
the SC face of Noto Sans CJK (left to fontconfig, a browser may pick the Japanese variant).
"""

import re
from decimal import Decimal

import pygal
from django.utils.html import escape
from pygal.style import Style

from stats.dashboard import Table

FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# The app's palette (static/css/app.css) first, then distinguishable companions.
COLORS = (
    "#0f4c81",
    "#e07b24",
    "#2e7d32",
    "#c62828",
    "#6a4c93",
    "#00838f",
    "#a15c00",
    "#ad1457",
    "#558b2f",
    "#5d6d7e",
    "#283593",
    "#8d6e63",
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#8a96a3",
    colors=COLORS,
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    legend_font_family=FONT,
    title_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    tooltip_font_family=FONT,
    no_data_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
    no_data_font_size=18,
)

# CJK glyphs are a full em wide; pygal sizes its margins for Latin text, so long labels get room here.
CJK_EM = 13


def _config(**overrides) -> dict:
    config = {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 640,
        "height": 360,
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "truncate_label": -1,
        "print_values": False,
        "show_y_guides": True,
        "margin": 8,
    }
    config.update(overrides)
    return config


def _count(value) -> str:
    return f"{int(value):,}"


def _yuan(value) -> str:
    # Plotted values are floats for geometry only; two decimals render a yuan amount exactly.
    return f"¥{value:,.2f}"


# pygal always embeds its configuration for the tooltip script as an inline <script>; without the script
# it serves nothing, and the page keeps no inline JavaScript.
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _render(chart, title: str) -> str:
    """The SVG, named for assistive technology (the figure's caption and table say the same)."""
    svg = SCRIPT.sub("", chart.render(is_unicode=True))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


def _label_margin(labels: list[str]) -> int:
    return max((len(label) for label in labels), default=0) * CJK_EM + 16


def _top_down(table: Table) -> list:
    """Rows in the order a horizontal chart needs to read like the table (pygal draws its first row lowest)."""
    return list(reversed(table.rows))


def _legend_below(series: int, columns: int) -> dict:
    """Legend rows under the chart; pygal reserves series // columns rows, so a last partial row gets its room here."""
    columns = max(min(columns, series), 1)
    partial = 1 if series % columns else 0
    return {
        "legend_at_bottom_columns": columns,
        "margin_bottom": 8 + partial * STYLE.legend_font_size * 2,
    }


def _month_rotation(labels: list[str], fits: int) -> int:
    return -45 if len(labels) > fits else 0


def stacked_by_month(table: Table, *, title: str) -> str:
    """Months along the bottom, a stacked bar per month with a segment per column (e.g. lead source).

    Drawn wide: the page gives this chart the full width.
    """
    labels = [row.label for row in table.rows]
    chart = pygal.StackedBar(
        **_config(
            x_labels=labels,
            x_label_rotation=_month_rotation(labels, 18),
            value_formatter=_count,
            **_legend_below(sum(1 for total in table.column_totals if total), 6),
            width=1200,
            height=400,
        )
    )
    for index, column in enumerate(table.columns):
        values = [row.values[index] for row in table.rows]
        if any(values):
            chart.add(column, values)
    return _render(chart, title)


def horizontal_counts(table: Table, *, title: str) -> str:
    """One bar per row (a status, a step), counted."""
    rows = _top_down(table)
    labels = [row.label for row in rows]
    chart = pygal.HorizontalBar(
        **_config(
            x_labels=labels,
            show_legend=False,
            print_values=True,
            print_zeroes=False,
            value_formatter=_count,
            margin_left=_label_margin(labels),
            height=max(200, 48 + 34 * len(labels)),
        )
    )
    chart.add(table.columns[0], [row.values[0] for row in rows])
    return _render(chart, title)


def horizontal_stacked(table: Table, *, title: str) -> str:
    """One stacked bar per row (a kind of receiving agency) with a segment per column (an outcome)."""
    rows = _top_down(table)
    labels = [row.label for row in rows]
    legend_lines = (len(table.columns) + 1) // 2
    chart = pygal.HorizontalStackedBar(
        **_config(
            x_labels=labels,
            print_values=True,
            print_zeroes=False,
            value_formatter=_count,
            **_legend_below(len(table.columns), 2),
            margin_left=_label_margin(labels),
            height=110 + 56 * len(labels) + 26 * legend_lines,
        )
    )
    for index, column in enumerate(table.columns):
        chart.add(column, [row.values[index] for row in rows])
    return _render(chart, title)


def money_by_ledger(table: Table, *, title: str) -> str:
    """Amount paid per ledger (the table's second column), in yuan; the figures are in the table."""
    rows = _top_down(table)
    labels = [row.label for row in rows]
    chart = pygal.HorizontalBar(
        **_config(
            x_labels=labels,
            show_legend=False,
            value_formatter=_yuan,
            max_scale=5,
            margin_left=_label_margin(labels),
            margin_right=40,
            height=max(200, 48 + 34 * len(labels)),
        )
    )
    chart.add(table.columns[1], [_plotted(row.values[1]) for row in rows])
    return _render(chart, title)


def amount_by_month(table: Table, *, title: str) -> str:
    """Months along the bottom, the amount paid in each (the table's second column)."""
    labels = [row.label for row in table.rows]
    chart = pygal.Bar(
        **_config(
            x_labels=labels,
            x_label_rotation=_month_rotation(labels, 6),
            show_legend=False,
            value_formatter=_yuan,
            max_scale=6,
        )
    )
    chart.add(table.columns[1], [_plotted(row.values[1]) for row in table.rows])
    return _render(chart, title)


def _plotted(amount: Decimal) -> float:
    return float(amount)
