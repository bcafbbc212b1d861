"""mig_sqlite_batch."""
