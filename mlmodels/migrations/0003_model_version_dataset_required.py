import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mlmodels", "0002_remove_dataset_is_valid")]

    operations = [
        migrations.AlterField(
            model_name="modelversion",
            name="dataset",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="model_versions",
                to="mlmodels.dataset",
            ),
        ),
    ]
