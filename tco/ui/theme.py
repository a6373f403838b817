"""One colour and one name per cost path, shared by every chart and table of the page."""

from __future__ import annotations

PATHS = ("api", "hosted_open", "self_host")

COLORS = {
    "api": "#1f6feb",          # blue: the commercial API
    "hosted_open": "#8250df",  # purple: the open model served by a provider
    "self_host": "#d4570b",    # orange: your own GPUs
}

NAMES = {"api": "Commercial API", "hosted_open": "Hosted open model", "self_host": "Self-hosted"}
#: What self-hosting is compared with, in a sentence ("break-even vs the API").
AGAINST = {"api": "the API", "hosted_open": "the hosted open model"}

#: Colours of the self-hosting cost components (stacked bars), dark to light.
COMPONENT_COLORS = {
    "rent": "#d4570b", "capex": "#a3400a", "maintenance": "#e98a4f", "electricity": "#f2b134",
    "colocation": "#b9a07a", "staff": "#57606a", "other": "#8c959f", "setup": "#c9d1d9",
}
COMPONENT_NAMES = {
    "rent": "GPU rent", "capex": "GPU purchase", "maintenance": "Maintenance", "electricity": "Power",
    "colocation": "Colocation", "staff": "Staff", "other": "Other", "setup": "Setup",
}

WINDOW = (12, 18)  # months finance teams expect a payback in
WINDOW_FILL = "rgba(46, 160, 67, 0.14)"
WINDOW_INK = "#2d9a4a"  # readable on a light and a dark background
GRID = "#e6e9ef"
#: Lines and text that are not a path's: a mid grey that reads on a light and on a dark page.
MUTED = "#8c959f"
#: Cells of a heatmap where there is no payback within the horizon (their own labelled colour).
NO_PAYBACK = "#9ea7b3"
FONT = "Source Sans Pro, sans-serif"
CHART_HEIGHT = 420  # [px] every figure unless it says otherwise
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
#: The CFO view and the report: no mode bar over the legend and the axis titles.
STATIC_CONFIG = {"displaylogo": False, "displayModeBar": False}


def base_layout(**overrides) -> dict:
    """Layout shared by every figure: thin grid, legend on top, compact margins that grow to fit
    the tick labels and axis titles (automargin).

    No background, font or grid colour: on the page Streamlit's theme fills them in, light or dark,
    as the browser prefers; :func:`tco.ui.charts.for_report` sets them for paper."""
    # "none" instead of "plotly_white": Plotly deep-copies the template into every figure, which
    # was most of the page's run time; the few styles it gave are set here.
    layout = dict(
        template="none", font=dict(family=FONT, size=13),
        margin=dict(l=10, r=10, t=40, b=10), height=CHART_HEIGHT, hovermode="closest",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    layout.update(overrides)
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {"automargin": True, **layout.get(axis, {})}
    return layout
