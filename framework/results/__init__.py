"""See and share camchar results: show, plot, report, export, notebooks.

Every function reads any camchar result file (CameraSamples, CameraResponse,
and the EMVA 1288 group) through :func:`read_result`. The command line calls
the four commands :func:`show`, :func:`plot`, :func:`report` and
:func:`export`; the rest is for Python users and writers.
"""

from camchar.results.exporters import export, export_samples, write_csv, write_json, write_xlsx
from camchar.results.figures import overview_figure, panel_figure, plot, plot_files, save_figure
from camchar.results.htmlreport import render_report, write_report
from camchar.results.model import Result, read_result, result_from_samples
from camchar.results.notebook import open_dataset, to_pandas
from camchar.results.summary import render_summary, show, summarise

#: ``camchar report FILE... -o report.html``.
report = write_report

__all__ = [
    # the commands
    "show",
    "plot",
    "report",
    "export",
    # reading
    "Result",
    "read_result",
    "result_from_samples",
    # summary
    "summarise",
    "render_summary",
    # figures
    "panel_figure",
    "overview_figure",
    "plot_files",
    "save_figure",
    # report
    "write_report",
    "render_report",
    # export
    "export_samples",
    "write_csv",
    "write_json",
    "write_xlsx",
    # notebooks
    "open_dataset",
    "to_pandas",
]
