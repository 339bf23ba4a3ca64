"""Browser tests: a real ``streamlit run`` on a free port over a copy of the demo database, driven
by Playwright in the system's headless Chromium. Every request the page makes is recorded, so a
test can assert that nothing left the machine; screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import free_port, need

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FANGXIAN_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Streamlit's own noise, documented in ../shared/research/streamlit-1.67-notes.md §11.20
IGNORED_CONSOLE = ("GPU stall", "GL Driver Message", "/_stcore/host-config", "/_stcore/health",
                   "Automatic fallback to software WebGL")


# WebGL for the maps: Mesa's llvmpipe through ANGLE's EGL backend (a JIT rasteriser on every core) when
# Mesa is installed (.ci/run installs it), else Chromium's own SwiftShader. Measured on the language walk
# (19 pages, maps painted): 182 s with SwiftShader, whose GPU process took 136 s of CPU; 91 s with llvmpipe.
LLVMPIPE_ARGS = ["--use-angle=gl-egl", "--ignore-gpu-blocklist"]
SWIFTSHADER_ARGS = ["--disable-gpu"]
COMMON_ARGS = ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
WEBGL_RENDERER_JS = """() => { const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return ''; const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)); }"""

#: the database behind each running app server (``sign_in`` starts sessions in it)
DB_OF_SERVER: dict[str, str] = {}


@dataclass
class Server:
    url: str
    db_url: str
    proc: subprocess.Popen[bytes]


@dataclass
class Recorder:
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def start_server(db_url: str, extra_env: dict[str, str] | None = None) -> Server:
    port = free_port()
    env = dict(os.environ, FANGXIAN_DATABASE_URL=db_url, **(extra_env or {}))
    log = open(ROOT / "test-artifacts" / f"streamlit-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "server.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                DB_OF_SERVER[url] = db_url
                return Server(url, db_url, proc)
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not become healthy within 60 s")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # one rasteriser thread: llvmpipe's default (a thread a core) takes the app servers' CPU on 2 cores
        b = pw.chromium.launch(executable_path=chromium_path, args=[*COMMON_ARGS, *LLVMPIPE_ARGS],
                               env={**os.environ, "LP_NUM_THREADS": "1"})
        if "llvmpipe" not in webgl_renderer(b):
            b.close()
            b = pw.chromium.launch(executable_path=chromium_path, args=[*COMMON_ARGS, *SWIFTSHADER_ARGS])
        need(bool(webgl_renderer(b)), "Chromium offers no WebGL 2 (the maps need it)")
        yield b
        b.close()


def webgl_renderer(browser) -> str:  # type: ignore[no-untyped-def]
    """The WebGL 2 renderer a page of ``browser`` gets ('' when it has none)."""
    page = browser.new_page()
    try:
        return str(page.evaluate(WEBGL_RENDERER_JS))
    finally:
        page.close()


@pytest.fixture(scope="session")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One app server for the session, over its own copy of the demo database."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    shutil.copy(demo_template, path)
    srv = start_server(f"sqlite:///{path}")
    yield srv
    srv.proc.terminate()
    srv.proc.wait(10)


@pytest.fixture
def own_server(demo_template: Path, tmp_path: Path) -> Iterator[Server]:
    """An app server of the test's own, over its own copy of the demo database (for tests that write)."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    srv = start_server(f"sqlite:///{path}")
    yield srv
    srv.proc.terminate()
    srv.proc.wait(10)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def _record(page, rec: Recorder) -> None:  # type: ignore[no-untyped-def]
    def on_request(req) -> None:  # type: ignore[no-untyped-def]
        parsed = urlparse(req.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.hostname not in LOCAL_HOSTS:
            rec.external.append(req.url)

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        if msg.type == "error" and not any(s in msg.text for s in IGNORED_CONSOLE):
            rec.console_errors.append(msg.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: rec.page_errors.append(str(exc)))


@pytest.fixture
def page(browser, recorder: Recorder) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    pg = context.new_page()
    _record(pg, recorder)
    yield pg
    context.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Connected, the script has finished, and no skeleton is left."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms)
    page.locator("[data-testid='stSkeleton']").first.wait_for(state="detached", timeout=timeout_ms)


def choose_option(page, box, name: str | None, timeout_ms: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    """Pick ``name`` (None: the first option) from the selectbox ``box``. A click that lands while the script
    reruns does not open the list on a loaded machine, so the list is opened again until the option shows (a
    state, not a time)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option").first if name is None else page.get_by_role("option", name=name, exact=True)
    wait_for_app(page)
    for _ in range(3):
        box.click()
        try:
            option.wait_for(state="visible", timeout=timeout_ms)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    wait_for_app(page)


def choose_language(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The sidebar's language box set to ``lang`` ("zh" or "en")."""
    from dashboard.i18n import t

    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text=t("app.language"))
    choose_option(page, box, {"zh": "中文", "en": "English"}[lang])


def sign_in(page, url: str, user: str = "leader", password: str = "demo1234", *,  # type: ignore[no-untyped-def]
            path: str = "") -> None:
    """Open the app signed in as ``user`` (a demo account: core/demo/accounts.py). The session is started the
    way the cookie endpoint starts one (a session row, its token in the signed cookie), without the form:
    the form itself is tested in test_auth_browser and test_session_browser."""
    from core.model.identity_policy import SESSION_COOKIE, sign_cookie
    from core.services import identity
    from core.services.identity import sessions
    from core.services.uow import unit_of_work

    with unit_of_work(DB_OF_SERVER[url]) as uow:
        attempt = identity.authenticate(uow, user, password)
    actor = attempt.accepted()
    with unit_of_work(DB_OF_SERVER[url]) as uow:
        _sid, ticket = sessions.start_session(uow, actor, "zh")
        token, _next = sessions.redeem_ticket(uow, ticket) or ("", "")
        value = sign_cookie(token, sessions.session_secret(uow))
    host = urlparse(url).hostname or "127.0.0.1"
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": value, "domain": host, "path": "/",
                               "httpOnly": True, "sameSite": "Strict"}])
    page.goto(f"{url}/{path}")
    page.get_by_test_id("stSidebarNav").wait_for(state="attached", timeout=60_000)
    wait_for_app(page)


def sign_in_with_form(page, url: str, user: str = "leader", password: str = "demo1234") -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form and wait for the app."""
    page.goto(url)
    wait_for_app(page)
    submit_login(page, user, password)


def submit_login(page, user: str, password: str = "demo1234") -> None:  # type: ignore[no-untyped-def]
    """Fill the login form on the open page and wait until the session cookie is set and the app is back."""
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码", exact=True).fill(password)
    # a sign-in sends the browser once through the cookie endpoint (dashboard/server.py), then back
    with page.expect_response(lambda r: "/session/begin" in r.url, timeout=60_000):
        page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.get_by_test_id("stSidebarNav").wait_for(state="attached", timeout=60_000)
    wait_for_app(page)


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def canvas_is_painted(page, selector: str = "[data-testid='stDeckGlJsonChart'] canvas") -> bool:  # type: ignore[no-untyped-def]
    """True when the map's canvas has more than one colour (a blank map is a single colour)."""
    from io import BytesIO

    png = page.locator(selector).first.screenshot()
    try:
        from PIL import Image
    except ImportError:  # pillow comes with streamlit; keep a clear message if not
        raise AssertionError("pillow is needed to inspect the canvas") from None
    img = Image.open(BytesIO(png)).convert("RGB").resize((64, 64))
    colors = img.getcolors(maxcolors=64 * 64) or []
    return len(colors) > 8


def wait_painted(page, selector: str = "[data-testid='stDeckGlJsonChart'] canvas",  # type: ignore[no-untyped-def]
                 timeout_s: float = 30.0) -> bool:
    """Wait until the map's canvas has drawn (more than one colour), polling the state, not sleeping a
    fixed time; True when it has drawn within the timeout."""
    import time

    page.locator(selector).first.wait_for(state="visible", timeout=int(timeout_s * 1000))
    deadline = time.monotonic() + timeout_s
    while True:
        if canvas_is_painted(page, selector):
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(200)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
