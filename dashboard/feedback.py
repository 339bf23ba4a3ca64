"""What a page says after a user action: the one way to show an error, leave a message for the next
run, and finish a write (clear the caches, rerun). Pages never format an exception themselves.

    try:
        with cache.write() as uow:
            result = move_staff(uow, actor, moves, reason)
    except FangxianError as exc:
        feedback.show_error(exc)
    else:
        feedback.finish_write(state_keys.REASSIGN_FLASH, t("ra.done", moved=result.moved))
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.i18n import error_text


def show_error(exc: BaseException, where: Any = None) -> None:
    """One line in the user's language for an error raised by core (``where``: a column or container)."""
    (where or st).error(error_text(exc))


def error_later(key: str, exc: BaseException) -> None:
    """Keep the error's sentence for the next run (when the page reruns before it can show it)."""
    st.session_state[key] = error_text(exc)


def show_flash(key: str, *, error_key: str | None = None) -> None:
    """Show (once) the message a write left for this run, and the error kept by ``error_later``."""
    msg = st.session_state.pop(key, None)
    if msg:
        st.success(msg)
    if error_key and (err := st.session_state.pop(error_key, None)):
        st.error(err)


def finish_write(key: str, msg: str) -> None:
    """After a successful write: drop stale caches, leave the message for the next run, rerun."""
    from dashboard import cache

    cache.clear()
    st.session_state[key] = msg
    st.rerun()
