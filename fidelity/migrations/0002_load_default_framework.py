from django.db import migrations


def load_default_framework(apps, schema_editor):
    from fidelity.frameworks import framework_data

    framework_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("fidelity", "0001_framework_and_returns")]

    operations = [migrations.RunPython(load_default_framework, migrations.RunPython.noop)]
