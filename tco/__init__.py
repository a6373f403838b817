"""LLM self-hosting TCO engine: API vs hosted open-weight vs self-hosted GPUs.

Data flows one way: inputs -> :class:`tco.scenario.Scenario` -> :func:`tco.model.evaluate` /
:func:`tco.model.sweep` -> results -> views. The engine imports no UI code and does no I/O beyond
reading the catalogs in ``data/`` and the bundled genai-prices data.
"""
