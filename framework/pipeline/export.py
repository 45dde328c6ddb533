"""``camchar export``: result files rewritten through the writers every step uses, plugins' included.

A writer that ``combines`` (the built-in ``csv``, ``json`` and ``xlsx``)
takes any number of result files of any kind; another writer takes one
file of a result it writes (``samples``, ``response``), read into its
in-memory object first. The writer is named (``--format``, or ``--writer``) or the first
that claims the output's suffix and can take the files; nothing is read
before it is chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from camchar.core.errors import BadInput
from camchar.files.atomic import check_output_path
from camchar.files.hdf5_values import RESPONSE, SAMPLES, SPECTRA, file_kind
from camchar.host.kinds import WRITERS
from camchar.host.options import OptionValue
from camchar.host.registry import Components, Registered
from camchar.pipeline.choice import check_suffix, configure, named_component
from camchar.pipeline.output import refuse_an_input, write_result, write_with

__all__ = ["export_files"]


def export_files(
    paths: Sequence[Path],
    output: Path,
    components: Components,
    writer: str | None = None,
    options: Mapping[str, Mapping[str, OptionValue]] | None = None,
) -> tuple[Path, str]:
    """Write the result files ``paths`` into ``output`` with the named writer, or the one the suffix picks.

    ``options`` are the writers' option values by writer name (``--option NAME.KEY=VALUE``); the chosen writer's
    are checked against its declarations.

    Returns
    -------
    tuple
        The output and the writer's name.

    Raises
    ------
    BadInput
        When no writer claims the suffix, the writer cannot take these files (several files, or a result it does
        not write), a file is not a camchar result, or the output is one of the files.
    PluginError
        When the writer fails; an existing output is unchanged.
    """
    output = Path(output)
    if not paths:
        raise BadInput(None, "no result files given")
    named = named_component(components, WRITERS, writer, None)
    if named is not None:
        check_suffix(named, output)
    candidates = [named] if named is not None else _claimants(components, output)
    check_output_path(output)
    refuse_an_input(output, paths, "one of the files exported", "the export")
    combining = next((entry for entry in candidates if entry.component.combines), None)
    if combining is not None:
        chosen = configure(combining, (options or {}).get(combining.name, {}))
        chosen.component.check(output)
        files = [Path(path) for path in paths]
        write_with(chosen, output, lambda temporary: chosen.component.write_files(files, temporary))
        return output, chosen.name
    if len(paths) > 1:
        raise BadInput(None, f"writer '{candidates[0].name}' writes one result file, and {len(paths)} were given; export them one at a time")
    kind = file_kind(paths[0])
    if kind not in (SAMPLES, RESPONSE):
        what = "source spectra" if kind == SPECTRA else "no samples or response (EMVA 1288 parameters alone, or another file)"
        raise BadInput(paths[0], f"holds {what}; one file goes to a writer as samples or a response; export it with csv, json or xlsx")
    single = next((entry for entry in candidates if kind in entry.component.results), None)
    if single is None:
        raise BadInput(paths[0], f"holds the {kind}, which writer '{candidates[0].name}' does not write (it writes {', '.join(candidates[0].component.results)})")
    chosen = configure(single, (options or {}).get(single.name, {}))
    chosen.component.check(output)
    write_result(_loaded(kind, Path(paths[0])), chosen, output)
    return output, chosen.name


def _claimants(components: Components, output: Path) -> list[Registered]:
    """The writers that claim the output's suffix, in registration order (built-ins first)."""
    suffix = output.suffix.lower()
    claimants = [entry for entry in components.of_kind(WRITERS.key) if suffix in entry.component.suffixes]
    if not claimants:
        known = sorted({s for entry in components.of_kind(WRITERS.key) for s in entry.component.suffixes})
        raise BadInput(output, f"unknown export format {output.suffix or '(no suffix)'!r}: no writer claims it; known suffixes: {', '.join(known)}")
    return claimants


def _loaded(kind: str, path: Path) -> Any:
    """The result in ``path`` as its in-memory object (a CameraSamples or a CameraResponse)."""
    if kind == RESPONSE:
        from camchar.files.camera_response import CameraResponse

        return CameraResponse(path)
    from camchar.files.camera_samples import CameraSamples

    return CameraSamples(path)

