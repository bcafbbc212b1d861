"""Rendering operations as the Python of a migration script.

``render_python(ops, context=None)`` writes operations with the renderers
plugins register through ``mig_autogen_register_renderers`` (mig-autogen's
own included, see :mod:`mig_autogen.render.builtin`).
"""

from __future__ import annotations

from mig_autogen.render.context import RenderContext
from mig_autogen.render.core import render_python

__all__ = ["RenderContext", "render_python"]
