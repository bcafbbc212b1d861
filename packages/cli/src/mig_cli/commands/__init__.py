"""The command line's own commands, registered by :mod:`mig_cli.plugin` like any plugin's.

Each module imports only click at the top; the work happens in ``mig.command``,
imported when a command runs.
"""
