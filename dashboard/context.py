"""Where the app's database is: ``FANGXIAN_DATABASE_URL`` or ``[fangxian] database_url`` in secrets."""

from __future__ import annotations

import os

import streamlit as st

from core.config import database_url


def db_url() -> str:
    env = os.environ.get("FANGXIAN_DATABASE_URL")
    if env:
        return env
    try:
        secret = st.secrets.get("fangxian", {}).get("database_url")
    except Exception:  # no secrets file
        secret = None
    return database_url(secret)
