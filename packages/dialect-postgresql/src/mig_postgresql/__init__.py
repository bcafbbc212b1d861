"""mig_postgresql."""
