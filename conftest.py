"""Fixtures shared by every test tree of the workspace (the database fixtures come from ``mig.testing``)."""
