"""mig_mysql."""
