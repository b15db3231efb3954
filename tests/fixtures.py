"""A small but complete pricing world for project-wide API tests: the demo tables, index and
rules, and a production model trained on a small generated portfolio."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from mlmodels.tests.fixtures import promote
from zipcodes.services import zipcode_load_csv

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# A few codes, so that others (4000) are valid zipcodes missing from the table.
ZIPCODES = ["zipcode,risk_class,municipality", "1000,C,Brussel", "3000,A,Leuven", "9000,B,Gent"]


@pytest.fixture
def pricing_world(demo_history, train, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=ZIPCODES)
        # The demo's tables: every fuel can be quoted, those the models never saw as petrol.
        call_command("load_strategies", str(FIXTURES / "strategies.json"), verbosity=0)
        frequency = promote(train(estimator="glm"))
        severity = promote(train(task="claim_severity", estimator="glm"))
        probability = promote(train(task="claim_probability", estimator="glm"))
    return {"frequency": frequency, "severity": severity, "probability": probability}


@pytest.fixture
def risk_classes():
    """The risk classes a migration creates, which a test in a transaction of its own (a live
    server, a worker) finds flushed by the one before it."""
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
