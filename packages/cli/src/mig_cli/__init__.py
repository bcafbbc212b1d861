"""mig_cli."""
