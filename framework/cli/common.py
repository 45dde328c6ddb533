"""What several commands do with their parsed arguments: build the plugin host, gather the run's options."""

from __future__ import annotations

import argparse

from camchar.host.manager import Host, build_host
from camchar.host.options import OptionValue

__all__ = ["host_from", "component_options", "run_options"]


def host_from(args: argparse.Namespace) -> Host:
    """The plugin host, with ``--plugin`` modules loaded and ``--no-plugin`` ones blocked."""
    return build_host(local_modules=args.plugin, disabled=args.no_plugin)


def component_options(args: argparse.Namespace) -> dict[str, dict[str, OptionValue]]:
    """``--option NAME.KEY=VALUE`` arguments, by component name (the last of a repeated key wins)."""
    options: dict[str, dict[str, OptionValue]] = {}
    for name, key, value, text in getattr(args, "option", []):
        options.setdefault(name, {})[key] = OptionValue(value, flag=f"--option {text}", written=text.partition("=")[2])
    return options


def run_options(args: argparse.Namespace):
    """The run's choices from the flags a command has (``-o``, ``--max``, the component flags, ``--option``, ``--workers``, ``--scheduler``)."""
    from camchar.host.kinds import STATS_KINDS
    from camchar.stats.options import RunOptions

    return RunOptions(
        output=getattr(args, "output", None),
        max=getattr(args, "max", None),
        workers=getattr(args, "workers", None),
        scheduler=getattr(args, "scheduler", None),
        options=component_options(args),
        **{kind.setting: getattr(args, kind.setting, None) for kind in STATS_KINDS},
    )
