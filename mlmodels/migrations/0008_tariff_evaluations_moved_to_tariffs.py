"""Tariff evaluations now belong to the tariffs app; no row moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('mlmodels', '0007_verbose_names_translated'),
        # Created there first, so that no state lacks them.
        ('tariffs', '0001_models_moved_from_domain_apps'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (the models keep them with `db_table`): only Django's
            # idea of which app holds the model changes.
            state_operations=[
                migrations.DeleteModel(
                    name='TariffEvaluation',
                ),
            ],
            database_operations=[],
        ),
    ]
