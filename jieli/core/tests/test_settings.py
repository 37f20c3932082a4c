"""Production mode refuses unsafe settings; embedded mode starts with none."""

import os
import subprocess
import sys

import pytest

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.MODE)"


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("JIELI_") and k != "DATABASE_URL"
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "jieli.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_embedded_mode_needs_nothing():
    result = run({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "embedded"


@pytest.mark.parametrize("missing", ["JIELI_SECRET_KEY", "JIELI_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {
        "JIELI_MODE": "production",
        "JIELI_SECRET_KEY": "x" * 50,
        "JIELI_ALLOWED_HOSTS": "jieli.example.org",
        "DATABASE_URL": "postgres://jieli@db.example.org/jieli",
    }
    env.pop(missing)
    result = run(env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug_and_short_keys():
    result = run(
        {
            "JIELI_MODE": "production",
            "JIELI_SECRET_KEY": "short",
            "JIELI_ALLOWED_HOSTS": "jieli.example.org",
            "JIELI_DEBUG": "1",
            "DATABASE_URL": "postgres://jieli@db.example.org/jieli",
        }
    )
    assert result.returncode != 0
    assert "JIELI_DEBUG" in result.stderr and "JIELI_SECRET_KEY" in result.stderr


def test_production_with_everything_set_starts():
    result = run(
        {
            "JIELI_MODE": "production",
            "JIELI_SECRET_KEY": "k" * 50,
            "JIELI_ALLOWED_HOSTS": "jieli.example.org",
            "DATABASE_URL": "postgres://jieli@db.example.org/jieli",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"


@pytest.mark.parametrize("value", ["ture", "enabled", "2"])
def test_a_yes_no_setting_with_an_unknown_value_stops_the_start(value):
    result = run({"JIELI_DEBUG": value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "JIELI_DEBUG" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("yes", "True"), ("off", "False"), ("", "False")])
def test_a_yes_no_setting_reads_the_usual_spellings(value, expected):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JIELI_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "jieli.settings", "JIELI_DEBUG": value})
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == expected, result.stderr
