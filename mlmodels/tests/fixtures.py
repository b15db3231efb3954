"""Small generated portfolios and trained versions for the mlmodels tests (real PostgreSQL)."""

import random

import pytest

from mlmodels.schema import portfolio_typed
from mlmodels.services import dataset_create, model_version_promote, model_version_train
from mlmodels.synthetic import portfolio_generate
from pricing_site.tests.fixtures import approver_get

FAST_PARAMS = {
    "glm": {},
    "random_forest": {"n_estimators": 10},
    "hist_gradient_boosting": {"max_iter": 20},
}


def random_record(rng: random.Random) -> dict:
    """A valid prediction record over the whole range of every feature; postcodes include
    codes never seen in training, whose encoding must match scikit-learn's."""
    return {
        "coverage": rng.choice(["TPL", "TPL+", "TPL++"]),
        "ageph": rng.randint(17, 100),
        "bm": rng.randint(0, 22),
        "power": rng.randint(1, 1000),
        "agec": rng.randint(0, 100),
        "fuel": rng.choice(["gasoline", "diesel"]),
        "use": rng.choice(["private", "work"]),
        "fleet": rng.randint(0, 1),
        "postcode": rng.choice([1000, 1010, 9000, rng.randint(1000, 9999)]),
    }


@pytest.fixture(scope="session")
def portfolio_frame():
    return portfolio_generate(rows=3000, seed=7)


@pytest.fixture(scope="session")
def portfolio_csv(portfolio_frame) -> bytes:
    return portfolio_frame.to_csv(index=False).encode()


@pytest.fixture
def typed_frame(portfolio_csv):
    import io

    from mlmodels.schema import portfolio_read

    return portfolio_typed(portfolio_read(io.BytesIO(portfolio_csv)))


@pytest.fixture
def dataset(db, portfolio_csv):
    return dataset_create(content=portfolio_csv, name="portfolio.csv")[0]


@pytest.fixture
def train(dataset):
    def train_version(task="claim_frequency", estimator="hist_gradient_boosting", cv=0):
        return model_version_train(
            dataset=dataset, task=task, estimator=estimator, params=FAST_PARAMS[estimator], cv=cv
        )

    return train_version


def promote(version):
    """Put *version* in production as a test's set-up does: approved by someone who did not
    train it, with a written reason in place of an impact analysis."""
    return model_version_promote(version=version, promoted_by=approver_get(), reason="Test set-up.")


@pytest.fixture
def production_version(train, django_capture_on_commit_callbacks):
    version = train()
    with django_capture_on_commit_callbacks(execute=True):
        return promote(version)


@pytest.fixture
def production_severity(train, django_capture_on_commit_callbacks):
    version = train(task="claim_severity", estimator="glm")
    with django_capture_on_commit_callbacks(execute=True):
        return promote(version)


@pytest.fixture
def production_tariff(production_version, production_severity):
    """A production frequency model (without location) and a production severity model."""
    return {"frequency": production_version, "severity": production_severity}


def tamper(version) -> None:
    """Change one byte of *version*'s stored artifact, as an attacker or a bad disk would."""
    from mlmodels.models import ModelVersion

    data = bytearray(ModelVersion.objects.get(pk=version.pk).artifact)
    data[len(data) // 2] ^= 0xFF
    ModelVersion.objects.filter(pk=version.pk).update(artifact=bytes(data))
