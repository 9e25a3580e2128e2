"""Notifications: what the platform tells one person (an incident report reached them, a plan's
measure is off track, someone answered their question), shown on one page and e-mailed as each
person prefers (immediately, in a daily digest, or not at all).

Each app raises its own kinds (namespaced ``incidents.received``, ``plans.off_track``,
``cocreation.mention``) through ``services.notify`` and registers how to word them in the
reader's language (``registry.register_renderer``); this app knows none of them.
"""
