"""Charts drawn on the server as SVG: no script, readable without colour (each bar is labelled)."""
from html import escape

from markupsafe import Markup

# Colour-blind-safe palette (Okabe–Ito), dark enough for white gaps between segments.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
LABEL_WIDTH, BAR_WIDTH, ROW, TOP = 150, 400, 34, 10


def stacked_bars(title, rows, series, label_width=LABEL_WIDTH):
    """Horizontal stacked bars: ``rows`` are ``(label, {series key: value})``, ``series`` ``{key: title}``;
    ``label_width`` is room for the longest label."""
    longest = max([sum(values.values()) for _, values in rows] + [1])
    scale = BAR_WIDTH / longest
    height = TOP + ROW * len(rows) + 30 + 22 * len(series)
    width = label_width + BAR_WIDTH + 50
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    for index, (label, values) in enumerate(rows):
        y = TOP + index * ROW
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="14">'
                     f'{escape(label)}</text>')
        x = label_width
        for colour, key in zip(COLOURS, series):
            value = values.get(key, 0)
            if value:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="24" fill="{colour}" '
                             f'stroke="#fff"><title>{escape(label)}: {escape(series[key])} — {value}</title></rect>')
                x += value * scale
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" font-size="14">{sum(values.values())}</text>')
    legend_top = TOP + ROW * len(rows) + 20
    for index, (colour, key) in enumerate(zip(COLOURS, series)):
        y = legend_top + index * 22
        parts.append(f'<rect x="{label_width}" y="{y}" width="14" height="14" fill="{colour}"/>'
                     f'<text x="{label_width + 20}" y="{y + 12}" font-size="13">{escape(series[key])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
