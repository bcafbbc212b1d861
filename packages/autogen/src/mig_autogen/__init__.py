"""mig_autogen."""
