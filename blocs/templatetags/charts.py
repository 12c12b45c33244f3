"""{% score_chart bars=… max=… title=… %}: the score chart (blocs.chart) in a template."""

from django import template

from blocs.chart import score_chart_svg

register = template.Library()


@register.simple_tag
def score_chart(*, bars, max, title, ticks=None, chart_id="score-chart", color=None, font=None):
    return score_chart_svg(bars=bars, max=max, title=title, ticks=ticks, chart_id=chart_id, color=color, font=font)
