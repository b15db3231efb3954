"""The tariff versions, quotes and impact analyses now belong to the tariffs app; no row moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('strategies', '0009_draft_by_default'),
        # Created there first, so that no state lacks them.
        ('tariffs', '0001_models_moved_from_domain_apps'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (the models keep them with `db_table`): only Django's
            # idea of which app holds the model changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='impactanalysis',
                    name='dataset',
                ),
                migrations.RemoveField(
                    model_name='impactanalysis',
                    name='requested_by',
                ),
                migrations.RemoveConstraint(
                    model_name='quote',
                    name='strategies_quote_unique_idempotency_key',
                ),
                migrations.RemoveField(
                    model_name='tariffversion',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='ImpactAnalysis',
                ),
                migrations.DeleteModel(
                    name='Quote',
                ),
                migrations.DeleteModel(
                    name='TariffVersion',
                ),
            ],
            database_operations=[],
        ),
    ]
