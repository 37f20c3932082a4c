"""Load the shipped code lists so that every database (test databases too) has them."""

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
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
