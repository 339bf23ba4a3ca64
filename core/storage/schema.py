"""The whole schema: importing ``core.storage.rows`` registers every table on ``Base.metadata``
(Alembic and the tests use this)."""

from __future__ import annotations

from core.storage.rows import Base

metadata = Base.metadata
