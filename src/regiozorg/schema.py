"""Every feature's tables, imported so that ``Base.metadata`` is complete.

Imported where a process starts (the app, the command line, the migrations, the tests), never
by ``db``: a flush resolves foreign keys to other features' tables by name, so all of them must
be known by then, but the lowest layer knows no feature.
"""

from regiozorg import audit
from regiozorg.accounts import models as accounts_models
from regiozorg.beds import models as beds_models
from regiozorg.db import Base
from regiozorg.network import models as network_models
from regiozorg.night import models as night_models

__all__ = ["Base", "accounts_models", "audit", "beds_models", "network_models", "night_models"]
