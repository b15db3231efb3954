"""Artifacts are verified before they are loaded; a tampered or foreign one is never unpickled."""

import pickle

import pytest

from mlmodels.artifacts import ArtifactRejectedError, artifact_dump, artifact_load


class Exploit:
    """Unpickling this would run code: it must never be unpickled."""

    def __reduce__(self):
        return (pytest.fail, ("a rejected artifact was unpickled",))


def test_artifact_load_returns_object_when_verified():
    data, sha256, signature = artifact_dump({"weights": [1, 2, 3]})

    loaded = artifact_load(
        data=data,
        sha256=sha256,
        signature=signature,
        sklearn_version=__import__("sklearn").__version__,
    )

    assert loaded == {"weights": [1, 2, 3]}


def test_artifact_load_refuses_altered_bytes_without_unpickling():
    _, sha256, signature = artifact_dump({"weights": [1]})
    evil = pickle.dumps(Exploit())

    with pytest.raises(ArtifactRejectedError, match="SHA-256"):
        artifact_load(data=evil, sha256=sha256, signature=signature, sklearn_version="x")


def test_artifact_load_refuses_foreign_signature_without_unpickling():
    import hashlib

    evil = pickle.dumps(Exploit())

    with pytest.raises(ArtifactRejectedError, match="signature"):
        artifact_load(
            data=evil,
            sha256=hashlib.sha256(evil).hexdigest(),
            signature="0" * 64,
            sklearn_version="x",
        )


def test_artifact_load_refuses_other_sklearn_version():
    data, sha256, signature = artifact_dump({"weights": [1]})

    with pytest.raises(ArtifactRejectedError, match="Retrain"):
        artifact_load(data=data, sha256=sha256, signature=signature, sklearn_version="0.24.2")


def test_artifact_signature_depends_on_server_key(settings):
    data, sha256, signature = artifact_dump({"weights": [1]})
    settings.PRICING_ARTIFACT_SIGNING_KEY = "another-server"

    with pytest.raises(ArtifactRejectedError, match="signature"):
        artifact_load(data=data, sha256=sha256, signature=signature, sklearn_version="x")
