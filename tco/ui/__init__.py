"""The Streamlit page: sidebar inputs, Plotly figure builders and page sections.

The only package that imports streamlit or plotly. Data flows one way:
URL/widgets -> :mod:`tco.ui.inputs` (a Scenario) -> :mod:`tco.model` -> :mod:`tco.ui.views`
(sections) which draw figures built by :mod:`tco.ui.charts` (pure, no streamlit).
"""
