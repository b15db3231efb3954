from decimal import Decimal

from django.db import migrations

RISK_CLASSES = [
    ("A", Decimal("1.00"), "Lowest claim frequency"),
    ("B", Decimal("1.15"), "Average claim frequency"),
    ("C", Decimal("1.35"), "Highest claim frequency"),
]


def create_risk_classes(apps, schema_editor):
    risk_class_model = apps.get_model("zipcodes", "RiskClass")
    for code, factor, description in RISK_CLASSES:
        risk_class_model.objects.get_or_create(
            code=code, defaults={"factor": factor, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("zipcodes", "0001_initial")]

    operations = [migrations.RunPython(create_risk_classes, migrations.RunPython.noop)]
