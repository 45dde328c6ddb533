"""``camchar show`` of a colour file: the matrices with their uncertainty and the training colours' ΔE2000."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from camchar.files.colour_h5 import MATRICES, read_colour_h5

__all__ = ["show_colour", "colour_summary"]

_TITLES = {"idt_matrix": "IDT: white-balanced camera RGB to ACES2065-1", "xyz_matrix": "white-balanced camera RGB to CIE XYZ (ACES white)"}


def colour_summary(path: str | Path) -> dict[str, Any]:
    """What ``camchar show --json`` prints for a colour file: the matrices, their std, ΔE2000, the provenance."""
    contents = read_colour_h5(path)
    plain = {key: (value.tolist() if isinstance(value, np.ndarray) else value) for key, value in contents.items()}
    return {"file": str(path), "kind": "colour", **{key: _finite_or_none(value) for key, value in plain.items()}}


def _finite_or_none(value: Any) -> Any:
    """NaN (an unknown std) as ``None``, so that the JSON is valid."""
    if isinstance(value, float):
        return None if not np.isfinite(value) else value
    if isinstance(value, list):
        return [_finite_or_none(item) for item in value]
    return value


def show_colour(path: str | Path, console: Console, as_json: bool = False) -> None:
    """Print the colour file's summary on ``console`` (tables), or as JSON."""
    summary = colour_summary(path)
    if as_json:
        console.print_json(json.dumps(summary))
        return
    console.print(f"[bold]{path}[/]: colour matrices for {summary['illuminant']} on the {summary['training']} colours ({summary['draws']} draws)")
    for name in MATRICES:
        console.print(_matrix_table(_TITLES[name], summary[name], summary[f"{name}_std"]))
    console.print(
        f"ΔE2000 of the training colours: mean {_plus_minus(summary['delta_e_mean'], summary['delta_e_mean_std'])}, "
        f"max {_plus_minus(summary['delta_e_max'], summary['delta_e_max_std'])}"
    )
    console.print(f"white balance (matrix_idt's factors): {', '.join(f'{value:.4f}' for value in summary['white_balance'])}")
    console.print(f"method: {summary['method']}")
    for text in summary["provenance"].get("warnings") or []:
        console.print(f"warning: {text}")


def _plus_minus(value: float, std: float | None) -> str:
    """``value ± std``, the std to two significant digits (a small one never reads 0.000); the value alone when the std is unknown."""
    return f"{value:.3f}" if std is None else f"{value:.3f} ± {std:.2g}"


def _matrix_table(title: str, matrix: list[list[float]], std: list[list[float | None]]) -> Table:
    table = Table(title=title)
    for column in ("", "R", "G", "B"):
        table.add_column(column, justify="right")
    for row, (values, spreads) in enumerate(zip(matrix, std)):
        table.add_row("RGB"[row] if title.startswith("IDT") else "XYZ"[row], *(_plus_minus(value, spread) for value, spread in zip(values, spreads)))
    return table
