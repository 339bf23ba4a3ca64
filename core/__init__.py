"""fangxian core: everything that is not drawing (models, norms, gaps, plans, storage, CLI)."""

__version__ = "0.1.0"
