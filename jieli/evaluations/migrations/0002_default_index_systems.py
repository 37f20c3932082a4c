"""The two shipped index systems (jieli/evaluations/indexes.py; sources in
docs/evaluations/index-sources.md)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from jieli.evaluations.indexes import DEFAULTS

    IndexSystem = apps.get_model("evaluations", "IndexSystem")
    for default in DEFAULTS:
        tree = default["tree"]
        IndexSystem.objects.get_or_create(
            key=default["key"],
            version=1,
            defaults={
                "name_zh": tree["name_zh"],
                "name_en": tree["name_en"],
                "tree": tree,
                "weight_sets": default["weight_sets"],
                "is_current": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
