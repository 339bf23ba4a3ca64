"""Session-state keys shared between modules, as named constants (a typo is an import error, not a
silent second key). Widget keys used only inside one form stay beside their widget.

A page's keys share its prefix, so two pages never collide.
"""

from __future__ import annotations

# --- identity and language (dashboard.auth, dashboard.i18n) ---------------------------------------
LANG = "lang"
SESSION = "fx_session"  # the verified identity record: {"source", "username" | "token_id", "session_id"}
ACTOR = "fx_actor"  # the Actor resolved by the router in this run (pages read it)
AUTH_FLASH = "fx_auth_flash"  # an i18n key shown once on the login page
NEXT_PAGE = "fx_next_page"  # the page a signed-out visitor asked for (opened after sign-in)
ROUTE_FLASH = "fx_route_flash"  # a path that was not found or not allowed (said once above the page)
PENDING_REDIRECT = "fx_pending_redirect"  # a full page load the next run sends the browser to
LANG_SYNCED = "fx_lang_synced"  # the language last written to the session row

# --- messages a write leaves for the next run (dashboard.feedback) --------------------------------
REASSIGN_FLASH, REASSIGN_ERROR = "ra_flash", "ra_error"
PLAN_FLASH, PLAN_ERROR = "plan_flash", "plan_error"
WHATIF_FLASH, WHATIF_ERROR = "wi_flash", "wi_error"
INCIDENT_FLASH = "inc_flash"  # incidents, isolation and screening share one message slot
VOLUNTEER_FLASH = "vol_flash"  # volunteers and errands share one message slot
NORMS_FLASH = "norms_flash"
USERS_FLASH = "users_flash"
ALERTS_FLASH = "alerts_flash"

# --- picks that survive reruns ----------------------------------------------------------------------
REASSIGN_TARGET, REASSIGN_MAP_SEEN, REASSIGN_LINK_SEEN = "ra_target", "ra_map_seen", "ra_link_seen"
REASSIGN_FORM = ("ra_reason", "ra_override", "ra_party_reason", "ra_undo_reason")
WHATIF_DRAFT, WHATIF_NAME, WHATIF_PICK = "wi_draft", "wi_name", "wi_saved_pick"
WHATIF_IMPORTED, WHATIF_PENDING, WHATIF_KIND, WHATIF_METRIC = "wi_imported_file", "wi_pending", "wi_kind", "wi_metric"
VOLUNTEER_TASK, VOLUNTEER_PICK, VOLUNTEER_REASON = "vol_task", "vol_pick", "vol_reason"
VOLUNTEER_MAP_MODE, VOLUNTEER_MAP_TYPES = "vol_map_mode", "vol_map_types"
WALL_VIEW = "wall_view"  # {"i": index, "at": epoch s of the last switch}
COVERAGE_METRIC, COVERAGE_STREETS = "coverage_metric", "coverage_streets"
COVERAGE_COMMUNITY, COVERAGE_MAP = "coverage_community", "coverage_map"
GAPS_DAY, GAPS_STREETS, GAPS_ONLY_SHORT, GAPS_PICK = "gaps_day", "gaps_streets", "gaps_only_short", "gaps_pick"
ISOLATION_STREETS = "iso_streets"
SCREENING_CAMPAIGN = "scr_campaign"
REPORT_FLASH = "report_flash"
