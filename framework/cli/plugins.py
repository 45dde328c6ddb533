"""``camchar plugins``: the installed plugins, their components and the options each takes."""

from __future__ import annotations

import argparse

HELP = "list the installed plugins, the components they register and their options"
DESCRIPTION = (
    "List third-party plugins (with --all, the built-ins too): version, origin, and their loaders, "
    "selectors, noise models and writers, with the options each declares."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``camchar plugins``."""
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--all", action="store_true", help="include camchar's built-in plugins")


def run(args: argparse.Namespace, reporter) -> None:
    """Print the listing on stdout."""
    import json

    from camchar.cli.common import host_from
    from camchar.host.listing import describe_plugins, format_plugins
    from camchar.runtime.progress import console as stdout_console

    entries = describe_plugins(host_from(args), include_builtins=args.all)
    if args.json:
        print(json.dumps(entries, indent=2))
    else:
        stdout_console().print(format_plugins(entries), markup=False)
