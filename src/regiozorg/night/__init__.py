"""The shared night-care console (organisatie-overstijgende nachtzorg).

Four parts, each a sub-package with the usual file names: ``intake`` (alarms and calls in),
``console`` (the queue, an incident's steps, escalation), ``setup`` (locations, roster,
devices, care plans) and ``reports`` (figures, handover, history). Shared here: ``models``,
``rules`` (pure), ``labels``, ``team`` (who is on the roster), ``periods``, ``figures`` (pure
counting), and the ``demo``, ``cli`` and ``worker`` that span the parts.
"""
