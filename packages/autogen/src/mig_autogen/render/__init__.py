"""Rendering operations as the Python of a migration script."""
