"""Zoning proposals now belong to the tariffs app; no row moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('zipcodes', '0004_verbose_names_translated'),
        # Created there first, so that no state lacks them.
        ('tariffs', '0001_models_moved_from_domain_apps'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (the models keep them with `db_table`): only Django's
            # idea of which app holds the model changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='zoningproposal',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='zoningproposal',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='zoningproposal',
                    name='dataset',
                ),
                migrations.RemoveConstraint(
                    model_name='zoningproposalzipcode',
                    name='zipcodes_proposal_code_once',
                ),
                migrations.RemoveField(
                    model_name='zoningproposalzipcode',
                    name='proposal',
                ),
                migrations.DeleteModel(
                    name='ZoningProposal',
                ),
                migrations.DeleteModel(
                    name='ZoningProposalZipcode',
                ),
            ],
            database_operations=[],
        ),
    ]
