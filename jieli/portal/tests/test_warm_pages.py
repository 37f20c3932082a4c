"""The server's warm-up renders pages in the master before the workers fork."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieli.achievements.tests.factories import AchievementFactory
from jieli.portal.management.commands import jieli_serve

pytestmark = pytest.mark.django_db


def test_warming_the_pages_renders_them_and_writes_nothing(settings, monkeypatch):
    settings.ALLOWED_HOSTS = [".jieli.example.org"]
    AchievementFactory(title="锂离子电池低温电解液")
    seen = []
    from django.test import Client

    real_get = Client.get

    def recording_get(self, path, *args, **kwargs):
        response = real_get(self, path, *args, **kwargs)
        seen.append((path, kwargs.get("HTTP_ACCEPT_LANGUAGE"), response.status_code))
        return response

    monkeypatch.setattr(Client, "get", recording_get)
    with CaptureQueriesContext(connection) as queries:
        jieli_serve._warm_pages()
    assert {(path.split("?")[0], lang, status) for path, lang, status in seen} == {
        (path, lang, 200) for path in ("/", "/search/") for lang in ("zh-hans", "en")
    }
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


def test_the_warm_master_freezes_its_objects_out_of_the_collector(monkeypatch):
    """Full collections walked the whole warm index in every worker (~0.3 s on the demo)."""
    import gc

    monkeypatch.setattr(jieli_serve, "_warm", lambda stdout: None)
    app = jieli_serve.JieliGunicorn.__new__(jieli_serve.JieliGunicorn)
    app.stdout = None
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        app.load()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
