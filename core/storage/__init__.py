"""Storage: the SQLAlchemy ORM rows, the engine and sessions, migrations, and the repositories.

Only modules in this package import sqlalchemy.
"""
