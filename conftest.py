import pytest


@pytest.fixture(autouse=True)
def _jieli_test_settings(settings):
    from huey.contrib.djhuey import HUEY

    from jieli.core.jobs import bulk_huey

    # Jobs run inline in tests so their effects can be asserted.
    HUEY.immediate = True
    bulk_huey.immediate = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "zh-hans"
    # Argon2 is deliberately slow; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Word ranking only: tests that need a sentence encoder switch it on themselves.
    settings.JIELI_DENSE_ENCODERS = []
    # The segmenter's dictionary is process-wide: tests keep the packaged one so that results
    # do not depend on test order.
    settings.JIELI_DOMAIN_DICTIONARY = False
    # Rate-limit counters and cached results start empty in every test.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "jieli-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test has its own database rows, so the in-memory indexes start empty."""
    from jieli.matching.index import reset_indexes

    reset_indexes()
    yield
    reset_indexes()


@pytest.fixture
def code_lists():
    """For transactional tests (``django_db(transaction=True)``) on PostgreSQL: an earlier
    transactional test's flush emptied every table, the reference code lists (regions,
    industries) that the migrations load included; load them again when they are missing.
    (``serialized_rollback`` would restore them, but after a plain transactional test's flush
    re-created the content types it fails on duplicate keys.)"""
    from jieli.regions.loading import load_reference_code_lists
    from jieli.regions.models import Discipline, Industry, Region

    if not (Region.objects.exists() and Industry.objects.exists() and Discipline.objects.exists()):
        load_reference_code_lists(
            region_model=Region, industry_model=Industry, discipline_model=Discipline
        )
