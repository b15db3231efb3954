"""The data-science commands end to end on small generated portfolios."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from mlmodels.models import ModelVersion
from mlmodels.tests.fixtures import tamper
from tariffs.models import TariffChange

pytestmark = pytest.mark.django_db

REAL_PORTFOLIO = Path(settings.PRICING_SHARED_DIR) / "data" / "beMTPL97.csv"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a command as an operator would: its commits (and their cache clears) happen."""

    def run_command(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(*args, stdout=out, stderr=out)
        return out.getvalue()

    return run_command


@pytest.fixture
def portfolio_path(tmp_path, run):
    path = tmp_path / "portfolio.csv"
    run("generate_portfolio", "--rows", "2000", "--seed", "3", "--out", str(path))
    return path


def train(run, path, task, estimator, *options):
    return run(
        "train_model", "--data", str(path), "--task", task, "--estimator", estimator, *options
    )


def test_generate_portfolio_is_reproducible(portfolio_path, tmp_path, run):
    again = tmp_path / "again.csv"
    run("generate_portfolio", "--rows", "2000", "--seed", "3", "--out", str(again))

    assert again.read_bytes() == portfolio_path.read_bytes()


def test_validate_dataset_accepts_valid_file(portfolio_path, run):
    assert "Valid: 2000 rows." in run("validate_dataset", str(portfolio_path))


def test_validate_dataset_reports_violations_and_fails(portfolio_path):
    lines = portfolio_path.read_text().splitlines()
    lines[5] = lines[5].replace("private", "racing")
    portfolio_path.write_text("\n".join(lines))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("validate_dataset", str(portfolio_path), stderr=err)

    assert (
        "- use: unknown category (allowed: private, work) (1 rows, e.g. lines [6])"
        in err.getvalue()
    )


@pytest.mark.slow
@pytest.mark.skipif(not REAL_PORTFOLIO.exists(), reason="../shared/data is absent")
def test_validate_dataset_accepts_real_portfolio(run):
    assert "Valid: 163212 rows." in run("validate_dataset", str(REAL_PORTFOLIO))


def test_train_model_shows_progress_and_promotes_first_version(portfolio_path, run, approver):
    output = train(
        run,
        portfolio_path,
        "claim_frequency",
        "glm",
        "--cv",
        "2",
        "--promote-if-better",
        "--approved-by",
        "approver",
    )

    assert "[ 10%] cross-validation fold 1/2" in output
    assert "is now in production" in output
    assert ModelVersion.objects.get().is_production
    change = TariffChange.objects.get()
    assert change.approved_by == "approver"
    assert "no version of this task in production" in change.reason


def test_train_model_promotes_only_with_an_approver_who_did_not_train_it(
    portfolio_path, run, approver
):
    with pytest.raises(CommandError, match="--approved-by"):
        train(run, portfolio_path, "claim_frequency", "glm", "--cv", "0", "--promote-if-better")
    assert not ModelVersion.objects.exists()

    with pytest.raises(CommandError, match="four eyes"):
        train(
            run,
            portfolio_path,
            "claim_frequency",
            "glm",
            "--cv",
            "0",
            "--trained-by",
            "approver",
            "--promote-if-better",
            "--approved-by",
            "approver",
        )
    assert not ModelVersion.objects.filter(is_production=True).exists()


def test_train_model_refuses_invalid_dataset(portfolio_path, run):
    portfolio_path.write_text(portfolio_path.read_text().replace("TPL+,", "TPL+++,", 1))

    with pytest.raises(CommandError, match="does not match the portfolio schema"):
        train(run, portfolio_path, "claim_frequency", "glm")
    assert not ModelVersion.objects.exists()


def test_compare_models_prints_table_and_writes_report(portfolio_path, tmp_path, run, approver):
    train(
        run,
        portfolio_path,
        "claim_frequency",
        "glm",
        "--cv",
        "0",
        "--promote-if-better",
        "--approved-by",
        "approver",
    )
    train(run, portfolio_path, "claim_frequency", "hist_gradient_boosting", "--cv", "0")
    candidate = ModelVersion.objects.filter(is_production=False).get()
    report = tmp_path / "report.html"

    output = run("compare_models", str(candidate.pk), "--cv", "2", "--report", str(report))

    assert "These results were calculated with the same set of data." in output
    assert output.count("mean_poisson_deviance") == 1
    assert "data:image/png;base64," in report.read_text()


def test_promote_model_refuses_a_tampered_artifact(portfolio_path, run, approver):
    train(run, portfolio_path, "claim_probability", "glm", "--cv", "0")
    version = ModelVersion.objects.get()
    tamper(version)

    with pytest.raises(CommandError, match="cannot be promoted"):
        run("promote_model", str(version.pk), "--approved-by", "approver")

    version.refresh_from_db()
    assert not version.is_production


def test_promote_model_promotes_and_refuses_twice(portfolio_path, run, approver):
    train(run, portfolio_path, "claim_probability", "glm", "--cv", "0")
    version = ModelVersion.objects.get()

    assert "is now in production" in run(
        "promote_model", str(version.pk), "--approved-by", "approver"
    )
    with pytest.raises(CommandError, match="already in production"):
        run("promote_model", str(version.pk), "--approved-by", "approver")


def test_promote_model_names_its_approver_and_needs_evidence_for_a_premium_model(
    portfolio_path, run, approver
):
    train(run, portfolio_path, "claim_frequency", "glm", "--cv", "0")
    version = ModelVersion.objects.get()

    with pytest.raises(CommandError, match="no-such-user"):
        run("promote_model", str(version.pk), "--approved-by", "no-such-user")
    with pytest.raises(CommandError, match="never simulated"):
        run("promote_model", str(version.pk), "--approved-by", "approver")
    assert not TariffChange.objects.exists()

    run("promote_model", str(version.pk), "--approved-by", "approver", "--reason", "Urgent fix.")

    assert TariffChange.objects.get().reason == "Urgent fix."
