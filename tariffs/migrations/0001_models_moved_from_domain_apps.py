"""The tariff's models as the domain apps left them, on their own tables (state only)."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('mlmodels', '0007_verbose_names_translated'),
        ('strategies', '0009_draft_by_default'),
        ('zipcodes', '0004_verbose_names_translated'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (the models keep them with `db_table`): only Django's
            # idea of which app holds the model changes.
            state_operations=[
                migrations.CreateModel(
                    name='ImpactAnalysis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('on', models.DateField(verbose_name='pricing date')),
                        ('scenario', models.JSONField(default=dict, verbose_name='scenario')),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state')),
                        ('chunks', models.PositiveSmallIntegerField(default=1, verbose_name='chunks')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                        ('policies_csv', models.FileField(blank=True, upload_to='impact/', verbose_name='per policy (CSV)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('dataset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='impact_analyses', to='mlmodels.dataset', verbose_name='portfolio')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'impact analysis',
                        'verbose_name_plural': 'impact analyses',
                        'db_table': 'strategies_impactanalysis',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TariffEvaluation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('queued', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=16, verbose_name='state')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                        ('report_html', models.TextField(blank=True, editable=False, verbose_name='report html')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('dataset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mlmodels.dataset', verbose_name='dataset')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'tariff evaluation',
                        'verbose_name_plural': 'tariff evaluations',
                        'db_table': 'mlmodels_tariffevaluation',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='TariffVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reference_base_year', models.PositiveSmallIntegerField(help_text='Base year of the reference health index.', verbose_name='reference base year')),
                        ('reference_month', models.DateField(help_text='First day of the month the tariff amounts were set at.', verbose_name='reference month')),
                        ('commercial_loading', models.DecimalField(decimal_places=3, help_text='Loading on the indexed risk premium, e.g. 0.250 for 25 %.', max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('1'))], verbose_name='commercial loading')),
                        ('policy_fee', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='policy fee (EUR)')),
                        ('minimum_premium', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='minimum premium (EUR)')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('state', models.CharField(choices=[('draft', 'Draft: simulated, not used by quotes'), ('approved', 'Approved')], default='draft', help_text='A draft is only used by impact analyses, until it is approved.', max_length=10, verbose_name='state')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'tariff version',
                        'verbose_name_plural': 'tariff versions',
                        'db_table': 'strategies_tariffversion',
                        'ordering': ['-valid_from', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ZoningProposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('classes', models.PositiveSmallIntegerField(default=3, verbose_name='classes')),
                        ('credibility_k', models.FloatField(default=100.0, help_text='Expected claims that make a postcode half-credible.', verbose_name='credibility k')),
                        ('bandwidth_km', models.FloatField(default=5.0, help_text='Neighbourhood kernel width in km.', verbose_name='bandwidth (km)')),
                        ('state', models.CharField(choices=[('queued', 'Being computed'), ('draft', 'Draft, to review'), ('approved', 'Approved and applied'), ('failed', 'Failed')], default='queued', max_length=16, verbose_name='state')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('factors', models.JSONField(blank=True, default=dict)),
                        ('breaks', models.JSONField(blank=True, default=list)),
                        ('summary', models.JSONField(blank=True, default=dict)),
                        ('map_png', models.TextField(blank=True, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('dataset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='zoning_proposals', to='mlmodels.dataset', verbose_name='dataset')),
                    ],
                    options={
                        'verbose_name': 'zoning proposal',
                        'verbose_name_plural': 'zoning proposals',
                        'db_table': 'zipcodes_zoningproposal',
                        'ordering': ['-created_at'],
                        'permissions': [('approve_zoningproposal', 'Can approve a zoning proposal')],
                    },
                ),
                migrations.CreateModel(
                    name='Quote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('quote_date', models.DateField(verbose_name='quote date')),
                        ('inputs', models.JSONField(verbose_name='inputs')),
                        ('premium', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='premium')),
                        ('breakdown', models.JSONField(verbose_name='breakdown')),
                        ('frequency', models.FloatField(verbose_name='frequency')),
                        ('severity', models.DecimalField(decimal_places=2, help_text='Expected cost per claim.', max_digits=12, null=True, verbose_name='severity')),
                        ('large_claim_loading', models.DecimalField(decimal_places=4, max_digits=6, null=True, verbose_name='large-claim loading')),
                        ('priced_as_fuel', models.CharField(blank=True, max_length=10, verbose_name='priced as fuel')),
                        ('adjustment_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='adjustment (%)')),
                        ('risk_class', models.CharField(max_length=1, verbose_name='risk class')),
                        ('zone_factor', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='zone factor')),
                        ('index_base_year', models.PositiveSmallIntegerField(verbose_name='index base year')),
                        ('index_month', models.DateField(verbose_name='index month')),
                        ('idempotency_key', models.CharField(blank=True, max_length=255)),
                        ('request_fingerprint', models.CharField(blank=True, max_length=64)),
                        ('model_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mlmodels.modelversion', verbose_name='frequency model version')),
                        ('pricing_rule', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='strategies.pricingrule', verbose_name='pricing rule')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('severity_model_version', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mlmodels.modelversion', verbose_name='severity model version')),
                        ('tariff', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='tariffs.tariffversion', verbose_name='tariff')),
                    ],
                    options={
                        'verbose_name': 'quote',
                        'verbose_name_plural': 'quotes',
                        'db_table': 'strategies_quote',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('requested_by', 'idempotency_key'), name='strategies_quote_unique_idempotency_key')],
                    },
                ),
                migrations.CreateModel(
                    name='ZoningProposalZipcode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.PositiveSmallIntegerField()),
                        ('current_class', models.CharField(blank=True, max_length=1)),
                        ('proposed_class', models.CharField(max_length=1)),
                        ('exposure', models.FloatField()),
                        ('claims', models.FloatField()),
                        ('expected', models.FloatField()),
                        ('relativity', models.FloatField(null=True)),
                        ('smoothed', models.FloatField()),
                        ('credibility', models.FloatField()),
                        ('source', models.CharField(choices=[('data', 'Its own claims, smoothed with its neighbours'), ('neighbours', 'Not in the data: the class of its neighbourhood')], max_length=16)),
                        ('longitude', models.FloatField(null=True)),
                        ('latitude', models.FloatField(null=True)),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='zipcodes', to='tariffs.zoningproposal')),
                    ],
                    options={
                        'db_table': 'zipcodes_zoningproposalzipcode',
                        'ordering': ['code'],
                        'constraints': [models.UniqueConstraint(fields=('proposal', 'code'), name='zipcodes_proposal_code_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
