"""One colour and one name per cost path, shared by every chart and table of the page."""

from __future__ import annotations

PATHS = ("api", "hosted_open", "self_host")

COLORS = {
    "api": "#1f6feb",          # blue: the commercial API
    "hosted_open": "#8250df",  # purple: the open model served by a provider
    "self_host": "#d4570b",    # orange: your own GPUs
}

NAMES = {"api": "Commercial API", "hosted_open": "Hosted open model", "self_host": "Self-hosted"}

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
WINDOW_FILL = "rgba(46, 160, 67, 0.12)"
GRID = "#e6e9ef"
FONT = "Source Sans Pro, sans-serif"
CHART_HEIGHT = 420  # [px] every figure unless it says otherwise
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def base_layout(**overrides) -> dict:
    """Layout shared by every figure: white, thin grid, legend on top, compact margins."""
    # "none" instead of "plotly_white": Plotly deep-copies the template into every figure, which
    # was most of the page's run time; the few styles it gave are set here.
    layout = dict(
        template="none", paper_bgcolor="white", plot_bgcolor="white",
        font=dict(family=FONT, size=13, color="#1b1f24"),
        margin=dict(l=10, r=10, t=40, b=10), height=CHART_HEIGHT, hovermode="closest",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    layout.update(overrides)
    return layout
