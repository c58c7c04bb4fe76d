"""One module per ``envmon`` sub-command: ``add_parser(subparsers)`` and ``main(args) -> exit code``."""
