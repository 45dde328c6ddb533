"""Colour files in ``camchar report``: a section per colour file, beside the other files' sections.

A colour file's section gives what it was made for (illuminant, training
colours, draws, method), the recorded warnings, both matrices as tables of
``value ± std``, the ΔE2000 summary, the figure of
:func:`camchar.results.colour_figures.colour_figure` and the provenance. The
other files make the page as :func:`camchar.results.htmlreport.render_report`
makes it; the colour sections follow theirs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from camchar._version import __version__
from camchar.files.atomic import atomic_output
from camchar.files.colour_h5 import MATRICES, is_colour_file, read_colour_h5
from camchar.results import htmlreport
from camchar.results.colour_figures import MATRIX_TITLES, colour_figure

__all__ = ["render_report", "write_report"]

_e = htmlreport._e


def _number(value: float, digits: int = 4) -> str:
    return "unknown" if not math.isfinite(value) else f"{value:.{digits}g}"


def _matrix_table(name: str, contents: dict[str, Any]) -> str:
    title, rows = MATRIX_TITLES[name]
    head = '<tr><th class="left"></th>' + "".join(f"<th>{channel}</th>" for channel in "RGB") + "</tr>"
    body = [
        f'<tr><th class="left">{row}</th>'
        + "".join(f"<td>{value:.4f} ± {_number(spread, 2)}</td>" for value, spread in zip(values, spreads))
        + "</tr>"
        for row, values, spreads in zip(rows, contents[name], contents[f"{name}_std"])
    ]
    return (
        f"<h3>{_e(title)}</h3>"
        f'<div class="table-scroll compact" tabindex="0"><table><caption>columns: white-balanced camera R, G, B; rows: {", ".join(rows)}; ± the std over the draws</caption>'
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _facts(contents: dict[str, Any]) -> str:
    pairs = [
        ("illuminant", contents["illuminant"]),
        ("training colours", f"{contents['training']} ({contents['delta_e'].size})"),
        ("bootstrap draws", contents["draws"] or "none: the std is unknown"),
        ("ΔE2000 mean", f"{_number(contents['delta_e_mean'])} ± {_number(contents['delta_e_mean_std'], 2)}"),
        ("ΔE2000 max", f"{_number(contents['delta_e_max'])} ± {_number(contents['delta_e_max_std'], 2)}"),
        ("white balance", ", ".join(f"{value:.4f}" for value in contents["white_balance"])),
        ("method", contents["method"]),
    ]
    rows = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in pairs)
    return f'<dl class="facts">{rows}</dl>'


def _provenance(provenance: dict[str, Any]) -> str:
    response = (provenance.get("inputs") or {}).get("response") or {}
    pairs = [
        ("camchar", provenance.get("version")),
        ("response", response.get("path")),
        ("response SHA-256", response.get("sha256")),
        ("colour-science", (provenance.get("software") or {}).get("colour-science")),
        ("seconds", _number(float(provenance["seconds"]), 3) if "seconds" in provenance else None),
    ]
    rows = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in pairs if value not in (None, ""))
    return f'<h3>Provenance</h3><dl class="facts">{rows}</dl>'


def colour_section(number: int, path: Path) -> str:
    """The report's section of the colour file ``path``, ``number`` its place among the colour files."""
    contents = read_colour_h5(path)
    warnings = contents["provenance"]["warnings"]
    warning_html = (
        '<h3>Warnings recorded during the run</h3><ul class="warnings">' + "".join(f"<li>{_e(text)}</li>" for text in warnings) + "</ul>" if warnings else ""
    )
    caption = "The matrices (the colour says the value, ± the std over the bootstrap draws) and the ΔE2000 of each training colour, ± its std."
    svg = htmlreport.figure_svg(colour_figure(path), f"c{number}", f"{path.name}: {caption}")
    return (
        f'<section class="result" id="colour-{number}"><h2>{_e(path.name)} <span class="kind">colour</span></h2>'
        f"{_facts(contents)}{warning_html}{''.join(_matrix_table(name, contents) for name in MATRICES)}"
        f'<h3>Figure</h3><div class="figures"><figure>{svg}<figcaption>{_e(caption)}</figcaption></figure></div>'
        f"{_provenance(contents['provenance'])}</section>"
    )


def _page(sections: str, title: str) -> str:
    """A page of colour sections only, in the report's style."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
        f'<meta name="generator" content="camchar {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{htmlreport._CSS}</style>\n</head>\n<body>\n"
        '<header><h1>camchar report</h1><p class="lede">Colour files of camchar colour.</p></header>\n'
        f"<main>{sections}</main>\n"
        f"<footer>Made by camchar {_e(__version__)}. This page is self-contained: its figures are inline SVG, and it loads nothing.</footer>\n"
        "</body>\n</html>\n"
    )


def _is_colour(item: Any) -> bool:
    return isinstance(item, (str, Path)) and is_colour_file(item)


def render_report(items: Sequence[Any]) -> str:
    """The report page of result files, colour files among them (see the module).

    Raises
    ------
    BadInput
        When a file is not a camchar result, or matplotlib is missing.
    """
    colour = [Path(item) for item in items if _is_colour(item)]
    others = [item for item in items if not _is_colour(item)]
    if not colour:
        return htmlreport.render_report(others)
    sections = "".join(colour_section(number, path) for number, path in enumerate(colour, start=1))
    if not others:
        return _page(sections, "camchar report: " + ", ".join(path.name for path in colour))
    return htmlreport.render_report(others).replace("</main>", sections + "</main>", 1)


def write_report(paths: Sequence[Any], output_html: str | Path) -> Path:
    """``camchar report FILE... -o report.html``, colour files included: write the page atomically."""
    page = render_report(paths)
    output = Path(output_html)
    with atomic_output(output) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return output
