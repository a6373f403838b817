"""Shared helpers for the invoice tests (kept out of conftest so imports stay explicit)."""

from tco.invoices import load_files, parse_file


def parse(name: str, text: str, encoding: str = "utf-8"):
    return parse_file(name, text.encode(encoding))


def load(*files):
    """files: (name, text or bytes) pairs."""
    return load_files([(n, t if isinstance(t, bytes) else t.encode("utf-8")) for n, t in files])


def month_row(result, month, provider, model):
    m = result.months
    rows = m[(m["month"] == month) & (m["provider"] == provider) & (m["model"] == model)]
    assert len(rows) == 1, f"expected one row for {month} {provider} {model}, got\n{m}"
    return rows.iloc[0]
