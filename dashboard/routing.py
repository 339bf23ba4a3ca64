"""Which page a run is for, before ``st.navigation`` resolves it, and how to send it elsewhere.

Streamlit answers a path it has no page for with an English "Page not found" dialog. The router asks
first (``requested``) and, for a path this user has no page for, points the run at another page
(``reroute``): the login page when signed out (the path is remembered and opened after sign-in), the
role's default page otherwise (with one Chinese line saying why), the wall on a kiosk. Both use the
script context's page intent, which Streamlit 1.67 sets from the browser's URL before the script runs.
"""

from __future__ import annotations

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def requested() -> str | None:
    """The url path the browser asked for by name (a typed URL, a reload, a link); None when the run names
    its page by hash (a click in the navigation) or is not in a browser session."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or manager.intended_page_script_hash:
        return None
    return str(manager.intended_page_name or "").strip("/")


def reroute(url_path: str = "") -> None:
    """Run ``url_path`` ("" = the default page) instead of what the browser asked for."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is not None:
        manager.set_script_intent("", url_path)
