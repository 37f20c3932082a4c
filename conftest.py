import pytest


@pytest.fixture(autouse=True)
def _jieli_test_settings(settings):
    from huey.contrib.djhuey import HUEY

    # Jobs run inline in tests so their effects can be asserted.
    HUEY.immediate = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "zh-hans"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
