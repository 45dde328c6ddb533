"""See and share camchar results: show, plot, report, export, notebooks.

Every function reads any camchar result file (CameraSamples, CameraResponse,
and the EMVA 1288 group) through :func:`read_result`.
"""

from camchar.results.figures import overview_figure, panel_figure, plot, plot_files, save_figure
from camchar.results.model import Result, read_result, result_from_samples
from camchar.results.summary import render_summary, show, summarise

__all__ = [
    "show",
    "plot",
    "Result",
    "read_result",
    "result_from_samples",
    "summarise",
    "render_summary",
    "panel_figure",
    "overview_figure",
    "plot_files",
    "save_figure",
]
