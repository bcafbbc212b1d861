"""Hooks owned by mig-autogen (``mig_autogen_*``): the ones mig-autogen itself calls.

The package that calls a hook owns its specification. mig-autogen calls no
hook yet: its comparison and rendering are reached through core's
``mig_autogenerate`` and ``mig_autogen_render_operations``, which core calls
and so specifies in :mod:`mig.hookspecs`. The hooks mig-autogen will call as
it grows (deciding whether to compare an object, rendering one item) are
specified here, each with the docstring every hook has (purpose,
**Called by:**, each parameter, **Return:**), and added to the plugin manager
by a ``mig_addhooks`` implementation in :mod:`mig_autogen.plugin`; the test
of documented hooks reads this module.
"""

from __future__ import annotations
