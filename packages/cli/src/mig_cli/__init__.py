"""mig_cli: the ``mig`` command line (click), a plugin of mig."""

__version__ = "0.1.0"
