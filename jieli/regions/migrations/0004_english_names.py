"""Reload the shipped code lists so that databases loaded before every code had an English name
(prefectures, counties, GB/T 4754 groups and classes) get them. Loading is an idempotent upsert:
on a database that 0002 has just loaded, nothing changes."""

from django.db import migrations


def load(apps, schema_editor):
    from jieli.regions.loading import load_reference_code_lists

    load_reference_code_lists(
        region_model=apps.get_model("regions", "Region"),
        industry_model=apps.get_model("regions", "Industry"),
        discipline_model=apps.get_model("regions", "Discipline"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_h6_verbose_names")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
