"""The ``camchar`` command line: :mod:`camchar.cli.main` parses and reports; one module per command."""
