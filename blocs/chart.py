"""The score chart: a horizontal bar chart as inline SVG, for the ranking page and the year-end report.

No JavaScript, no CSS (presentation attributes only), so it renders the same on a page under a strict CSP and
in a PDF. Written here rather than by a template: a chart of 15 units was a fifth of the ranking page's time
as a template of a few dozen tags a bar. Every text is escaped; values print with the Vietnamese decimal
comma, and the chart's words are Vietnamese, whatever the page's language (as the report's are).
"""

from decimal import Decimal

from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

LABEL_W, BAR_W, ROW_H = 250, 450, 30
DEFAULT_FONT = "'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
DEFAULT_COLOR = "#7a1f1f"


def _width(value, maximum) -> int:
    """The bar's width: as Django's {% widthratio %} gives it (rounded half to even)."""
    try:
        return round(float(value) / float(maximum) * BAR_W)
    except ZeroDivisionError:
        return 0


def score_chart_svg(
    *,
    bars: list[tuple[str, Decimal | None]],
    max: Decimal,
    title: str,
    ticks: list | None = None,
    chart_id: str = "score-chart",
    color: str | None = None,
    font: str | None = None,
) -> SafeString:
    """bars: (label, value) per unit; a value None draws no bar and says so. max: the axis maximum (e.g. the
    scoring table's maximum total). title: what the chart shows (its accessible name). ticks: values for grid
    lines (blocs.ranking.axis_ticks). chart_id: a unique id on the page."""
    with translation.override("vi"):
        number = formats.localize
        no_score = escape(_("chưa có điểm"))  # texts translated outside the f-strings: makemessages reads them there
        most_label = escape(_("Điểm tối đa"))
        rows_h = len(bars) * ROW_H
        cid, title_text = escape(chart_id), escape(title)
        family = escape(font) if font else DEFAULT_FONT
        described = "; ".join(
            f"{escape(label)}: {no_score if value is None else escape(number(value))}" for label, value in bars
        )
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 800 {rows_h + 44}"'
            f' aria-label="{title_text}" aria-describedby="{cid}-desc" font-family="{family}"'
            f' font-size="13">',
            f'<title id="{cid}-title">{title_text}</title>',
            f'<desc id="{cid}-desc">{described}. {most_label}: {escape(number(max))}.</desc>',
            '<g aria-hidden="true">',
        ]
        for tick in ticks or ():
            x = LABEL_W + _width(tick, max)
            out.append(
                f'<line x1="{x}" y1="0" x2="{x}" y2="{rows_h}" stroke="#dee2e6" stroke-dasharray="3 3"/>'
                f'<text x="{x}" y="{rows_h + 16}" fill="#6c757d" font-size="11" text-anchor="middle">'
                f"{escape(number(tick))}</text>"
            )
        if not ticks:
            out.append(
                f'<text x="{LABEL_W}" y="{rows_h + 16}" fill="#6c757d" font-size="11" text-anchor="middle">0</text>'
            )
        end = LABEL_W + BAR_W
        most = escape(_("tối đa %(max)s điểm") % {"max": number(max)})
        out.append(
            f'<line x1="{LABEL_W}" y1="0" x2="{LABEL_W}" y2="{rows_h}" stroke="#6c757d"/>'
            f'<line x1="{end}" y1="0" x2="{end}" y2="{rows_h}" stroke="#adb5bd"/>'
            f'<line x1="{LABEL_W}" y1="{rows_h}" x2="{end}" y2="{rows_h}" stroke="#6c757d"/>'
            f'<text x="{end}" y="{rows_h + 34}" fill="#6c757d" font-size="11" text-anchor="end">{most}</text>'
            "</g>"
        )
        fill = escape(color or DEFAULT_COLOR)
        for index, (label, value) in enumerate(bars):
            y = index * ROW_H
            shown = no_score if value is None else escape(number(value))
            out.append(
                f"<g><title>{escape(label)}: {shown}</title>"
                f'<text x="{LABEL_W - 8}" y="{y + 20}" text-anchor="end" fill="#212529">'
                f"{escape(Truncator(label).chars(34))}</text>"
            )
            if value is None:
                out.append(f'<text x="{LABEL_W + 6}" y="{y + 20}" fill="#6c757d" font-style="italic">{no_score}</text>')
            else:
                width = _width(value, max)
                x = LABEL_W + 6
                if value > 0:
                    out.append(f'<rect x="{LABEL_W}" y="{y + 6}" width="{width}" height="20" rx="2" fill="{fill}"/>')
                    x = LABEL_W + width + 6
                out.append(f'<text x="{x}" y="{y + 20}" fill="#212529" font-weight="600">{shown}</text>')
            out.append("</g>")
        out.append("</svg>")
    return mark_safe("\n".join(out))  # every text in it is escaped above
