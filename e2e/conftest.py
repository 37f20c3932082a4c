"""The browser suite: a real server on a scratch SQLite database, driven by Debian's Chromium.

One server for the whole session (``manage.py jieli_serve --no-worker`` on a free loopback port;
jobs run inline so an import finishes within its request). The database is seeded once with
the reference code lists and a small demo set (``e2e/seed.py``); tests create their own records
with names of their own, so their order does not matter.

Every page a test opens is watched: console errors, uncaught page errors and requests to any
host other than the server fail the test (the platform must work on an intranet). When a test
fails, each of its pages leaves a screenshot and its HTML under ``var/e2e-artifacts/``, next to
the server's log.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from e2e.i18n import LANGS, tr

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "e2e-artifacts"
CHROMIUM = os.environ.get("JIELI_E2E_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # An intranet has no outside hosts: every name but the server's fails at once, so a page
    # that needs a CDN fails the same way in CI, on a laptop and behind the firewall.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
DEMO_PASSWORD = "jieli-demo-2026"  # noqa: S105 - the demo set's published sign-in
DEMO_LIMIT = 20  # achievements per demo source: enough to browse, search and match
SERVER_START_SECONDS = 300  # seeding included; about 20 s on an idle machine
# Generous: the suite shares two cores with the rest of CI; waits end as soon as the page is ready.
expect.set_options(timeout=20_000)


@dataclass
class Server:
    url: str
    var_dir: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "JIELI_MODE", "JIELI_DEBUG"}
    }
    env.update(
        JIELI_VAR_DIR=str(var_dir),
        JIELI_MODE="embedded",
        JIELI_JOBS_IMMEDIATE="1",  # an import runs within its request: no worker, no polling
        JIELI_DENSE_ENCODERS="",  # word ranking only: no model loads at start
        JIELI_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)  # start-up only: tests themselves never sleep
    raise RuntimeError(f"the server did not answer {url} within {SERVER_START_SECONDS} s")


# Developers may point the suite at a server they already run (seeded with e2e/seed.py).
REUSED_URL = os.environ.get("JIELI_E2E_URL", "").rstrip("/")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    if REUSED_URL:
        yield Server(url=REUSED_URL, var_dir=Path(), log=ARTIFACTS / "server.log")
        return
    var_dir = tmp_path_factory.mktemp("jieli-var")
    env = _server_env(var_dir)
    log = ARTIFACTS / "server.log"
    port = int(os.environ.get("JIELI_E2E_PORT") or _free_port())
    url = f"http://127.0.0.1:{port}"
    out = open(log, "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(  # noqa: S603 - fixed argument list
        [sys.executable, str(ROOT / "e2e" / "seed.py"), str(DEMO_LIMIT), str(port)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url + "/", proc, log)
        yield Server(url=url, var_dir=var_dir, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: run `make browsers` (as root) first", returncode=3)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@dataclass
class Watched:
    """A page and what went wrong on it that the test did not ask about."""

    page: Page
    label: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


def _watch(page: Page, label: str, server_url: str) -> Watched:
    watched = Watched(page=page, label=label)
    pages_4xx: set[str] = set()
    server_host = urlsplit(server_url).netloc

    def on_console(msg) -> None:
        url = msg.location.get("url", "")
        # The browser asks for /favicon.ico by itself (test_pages.py checks it), and a page
        # answered 4xx (a form with errors, a hidden record) is the test's to assert.
        expected = urlsplit(url).path == "/favicon.ico" or (
            msg.text.startswith("Failed to load resource") and url in pages_4xx
        )
        if msg.type == "error" and not expected:
            watched.console_errors.append(f"{msg.text} @ {url}")

    def on_response(response) -> None:
        if response.status >= 500:
            watched.console_errors.append(f"server error {response.status} @ {response.url}")
        elif response.status >= 400 and response.request.is_navigation_request():
            pages_4xx.add(response.url)

    def on_request(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != server_host:
            watched.outside_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: watched.console_errors.append(f"uncaught: {exc}"))
    page.on("request", on_request)
    page.on("response", on_response)
    return watched


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


def switch_language(page: Page, lang: str) -> None:
    """Use the page's own language switch (a select or buttons named ``language``)."""
    choice = page.locator("select[name=language]")
    if choice.count():
        choice.first.select_option(lang)
    else:
        page.locator(f"[name=language][value='{lang}']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def sign_in(page: Page, username: str, lang: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("main").get_by_role("button", name=tr(lang, "Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(signed_in_marker(page, lang)).to_be_attached()


def signed_in_marker(page: Page, lang: str) -> Locator:
    """The sign-out button (attached, even if a restyled header folds it into a menu). The
    page carries two: the header's, and the menu's copy shown on phones instead."""
    return page.get_by_role("button", name=tr(lang, "Sign out"), include_hidden=True).first


@pytest.fixture(scope="session")
def _signed_in_states(
    browser: Browser, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Each demo role signs in through the page once; later tests reuse its cookies."""
    states: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("states")

    def state_for(username: str) -> str:
        if username not in states:
            context = browser.new_context(base_url=server.url, locale="zh-CN")
            page = context.new_page()
            sign_in(page, username, "zh-hans")
            path = folder / f"{username}.json"
            context.storage_state(path=path)
            context.close()
            states[username] = str(path)
        return states[username]

    return state_for


class OpenAs:
    """``open_as(username or None, lang)``: a fresh browser (its own cookies) on the home page.

    The browser asks for Chinese, as the alliance's users' browsers do; ``lang="en"`` then
    switches to English with the page's language switch.
    """

    def __init__(self, browser: Browser, server: Server, states: Callable[[str], str]) -> None:
        self.browser, self.server, self.states = browser, server, states
        self.opened: list[tuple[BrowserContext, Watched]] = []

    def __call__(self, username: str | None, lang: str, *, path: str = "/") -> Page:
        assert lang in LANGS
        context = self.browser.new_context(
            base_url=self.server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            storage_state=self.states(username) if username else None,
            viewport={"width": 1440, "height": 900},
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        label = f"{len(self.opened)}-{username or 'anonymous'}-{lang}"
        self.opened.append((context, _watch(page, label, self.server.url)))
        page.goto(path)
        if lang != "zh-hans":
            switch_language(page, lang)
        else:
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        return page

    def problems(self, page: Page) -> list[str]:
        """Console errors and requests to other hosts seen on ``page`` so far."""
        for _context, watched in self.opened:
            if watched.page is page:
                return watched.console_errors + watched.outside_requests
        raise LookupError("not a page of this test")


@pytest.fixture
def open_as(
    request: pytest.FixtureRequest,
    browser: Browser,
    server: Server,
    _signed_in_states: Callable[[str], str],
) -> Iterator[OpenAs]:
    opener = OpenAs(browser, server, _signed_in_states)
    yield opener
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    problems: list[str] = []
    for context, watched in opener.opened:
        if failed:
            stem = ARTIFACTS / f"{_slug(request.node.nodeid)}-{watched.label}"
            try:
                watched.page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(watched.page.content(), encoding="utf-8")
            except Exception as exc:
                Path(f"{stem}.txt").write_text(f"no screenshot: {exc}", encoding="utf-8")
        if not request.node.get_closest_marker("allow_page_errors"):
            problems += [f"[{watched.label}] console: {e}" for e in watched.console_errors]
            problems += [
                f"[{watched.label}] outside request: {u}" for u in watched.outside_requests
            ]
        context.close()
    if problems and not failed:
        pytest.fail("Pages reported problems:\n" + "\n".join(problems), pytrace=False)
