"""Regenerate docs/screenshots/: the main pages at 375 px and 1,440 px, in Chinese and English.

Run from the repository root after `make install assets` on a database with the demo data:

    JIELI_VAR_DIR=var/shots .venv/bin/python manage.py migrate
    JIELI_VAR_DIR=var/shots .venv/bin/python manage.py jieli_bootstrap
    JIELI_VAR_DIR=var/shots .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It serves the site in-process (static files straight from the finders, i.e. from node_modules)
with a strict ``Content-Security-Policy: script-src 'self'; style-src 'self'`` header, drives
Debian's Chromium (``apt-get install chromium fonts-noto-cjk``; never ``playwright install``)
and fails when a page breaks that policy, logs a JavaScript error, or a request fails. PNGs
are quantised with pngquant when it is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
os.environ.setdefault("JIELI_DENSE_ENCODERS", "")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
WIDTHS = {"375": (375, 812), "1440": (1440, 900)}
LANGUAGES = ("zh-hans", "en")
DEMO_PASSWORD = "jieli-demo-2026"  # noqa: S105 — the embedded demo's published password


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        thread.start()

    def _handle(self, request, client_address):  # type: ignore[no-untyped-def]
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


def _app_with_csp():  # type: ignore[no-untyped-def]
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    app = StaticFilesHandler(get_wsgi_application())

    def wrapped(environ, start_response):  # type: ignore[no-untyped-def]
        def start(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            headers = [h for h in headers if h[0].lower() != "content-security-policy"]
            headers.append(("Content-Security-Policy", CSP))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped


def _pages(base: str) -> list[tuple[str, str | None, str]]:
    """(name, user to sign in as or None, path)."""
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand

    achievement = (
        Achievement.objects.filter(status="published", visibility="public")
        .exclude(summary="")
        .order_by("-published_at", "id")
        .first()
    )
    demand = Demand.objects.filter(status="published").order_by("-published_at", "id").first()
    from jieli.enquiries.models import Enquiry

    thread = Enquiry.objects.filter(stage="intention").order_by("id").first()
    pages = [
        ("home", None, "/"),
        ("achievements", None, "/achievements/"),
        ("search", None, "/search/?q=%E7%94%B5%E6%B1%A0"),
        ("experts", None, "/experts/"),
        ("review-queue", "secretariat", "/review/"),
        ("workspace", "orgadmin", "/workspace/"),
        ("api-docs", None, "/api/docs"),
    ]
    from jieli.watchlists.models import Shortlist

    shortlist = Shortlist.objects.filter(owner__username="member").order_by("pk").first()
    if shortlist:
        pages.append(("shortlist", "member", f"/watch/shortlists/{shortlist.pk}/"))
    pages.append(("saved-searches", "member", "/watch/searches/"))
    pages.append(("home-member", "member", "/"))
    pages.append(("notifications", "member", "/notifications/"))
    pages.append(("broker-workspace", "broker", "/enquiries/workspace/"))
    if achievement:
        pages.insert(2, ("achievement-detail", "member", f"/achievements/{achievement.pk}/"))
    if demand:
        pages.insert(4, ("demand-matches", "member", f"/matching/demands/{demand.pk}/"))
        pages.append(("demand-detail", "member", f"/demands/{demand.pk}/"))
    if thread:
        pages.append(("enquiry-thread", "member", f"/enquiries/{thread.pk}/"))
    return pages


def _shoot(browser, base, lang, user, width_name, size, pages, out, problems) -> list[Path]:  # type: ignore[no-untyped-def]
    """One browser context per language, user and width; screenshots of that user's pages."""
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        device_scale_factor=1,
        locale="zh-CN" if lang == "zh-hans" else "en-US",
    )
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(120_000)
    current = [""]

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # Errors include every Content-Security-Policy violation ("Refused to …").
        if message.type == "error":
            problems.append(f"{current[0]}: console {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"{current[0]}: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"{current[0]}: failed {r.url}"))
    if user:
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state("networkidle")
    written = []
    for name, _who, path in pages:
        current[0] = f"{name} {lang} {width_name}"
        response = page.goto(base + path, wait_until="networkidle")
        if response is None or response.status >= 400:
            problems.append(f"{current[0]}: HTTP {response.status if response else 'none'}")
        if name == "api-docs":
            page.wait_for_selector("#swagger-ui .title", state="attached", timeout=30000)
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"{current[0]}: {height} px tall")
        short = "zh" if lang == "zh-hans" else "en"
        target = out / f"{name}-{short}-{width_name}.png"
        page.screenshot(path=str(target), full_page=True)
        written.append(target)
    context.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    app = _app_with_csp()
    server = make_server(
        "127.0.0.1", args.port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}"
    pages = _pages(base)
    # Warm up once (segmenter dictionaries, code tables) so no page hits a cold start.
    from urllib.request import urlopen

    for _name, _who, path in pages:
        if _who is None:
            urlopen(base + path, timeout=300).read()  # noqa: S310 — our own loopback server
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p[0] in wanted]

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    written: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang in LANGUAGES:
            for user in sorted({p[1] for p in pages}, key=lambda u: u or ""):
                for width_name, size in WIDTHS.items():
                    mine = [p for p in pages if p[1] == user]
                    written += _shoot(
                        browser, base, lang, user, width_name, size, mine, out, problems
                    )
        browser.close()
    server.shutdown()

    pngquant = shutil.which("pngquant")
    if pngquant:
        for path in written:
            args = ["--force", "--skip-if-larger", "--quality=60-85", "--speed=3"]
            subprocess.run([pngquant, *args, "--output", str(path), str(path)], check=False)  # noqa: S603
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} screenshots, {total / 1e6:.1f} MB in {out}")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
