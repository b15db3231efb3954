"""The contract cases of tests/cases/*.json: one request each, its status and body (a subset)."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

CASES_DIR = Path(__file__).parent / "cases"
CASES = [
    pytest.param(case, id=f"{path.stem}: {case['name']}")
    for path in sorted(CASES_DIR.glob("*.json"))
    for case in json.loads(path.read_text())
]
WRITER_PERMISSIONS = (
    "tariffs.add_quote",
    "mlmodels.add_dataset",
    "mlmodels.add_modelversion",
    "mlmodels.promote_modelversion",
)


def placeholders_fill(value: Any, ids: dict[str, int]) -> Any:
    """Replace "{name}" by its id: a whole value becomes the number, inside a path the text."""
    if isinstance(value, dict):
        return {key: placeholders_fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [placeholders_fill(item, ids) for item in value]
    if isinstance(value, str):
        for name, number in ids.items():
            if value == f"{{{name}}}":
                return number
            value = value.replace(f"{{{name}}}", str(number))
    return value


def assert_subset(expected: Any, actual: Any, where: str = "body") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing"
            assert_subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{where}: {len(actual)} items, expected {len(expected)}"
        )
        for index, (item, got) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(item, got, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


@pytest.fixture
def clients(make_api_client) -> dict[str, APIClient]:
    return {
        "anonymous": APIClient(),
        "reader": make_api_client(),
        "writer": make_api_client(*WRITER_PERMISSIONS),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_contract_case(case, clients, pricing_world):
    ids = {
        "frequency_model": pricing_world["frequency"].pk,
        "probability_model": pricing_world["probability"].pk,
        "dataset": pricing_world["frequency"].dataset_id,
    }
    request = placeholders_fill(case["request"], ids)
    expect = placeholders_fill(case["expect"], ids)
    client = clients[request.get("client", "reader")]
    kwargs: dict[str, Any] = {"headers": request.get("headers", {})}
    path = request["path"]
    if "query" in request:
        kwargs["QUERY_STRING"] = "&".join(
            f"{key}={value}" for key, value in request["query"].items()
        )
    if "json" in request:
        kwargs.update(data=request["json"], format="json")
    if "multipart" in request:
        # "@name" is a file of tests/cases/files, sent as an upload.
        kwargs.update(
            format="multipart",
            data={
                key: SimpleUploadedFile(value[1:], (CASES_DIR / "files" / value[1:]).read_bytes())
                if isinstance(value, str) and value.startswith("@")
                else value
                for key, value in request["multipart"].items()
            },
        )

    response = getattr(client, request["method"].lower())(path, **kwargs)

    assert response.status_code == expect["status"], response.content[:500]
    if "body" in expect:
        assert_subset(expect["body"], response.json())
