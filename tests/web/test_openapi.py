"""The OpenAPI document is generated from the routes: every route is in it, with a summary."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from issuer.web.apidoc import operation
from issuer.web.openapi import EXCLUDED, IGNORED_METHODS, openapi_path, routes


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").get_json()
    return document


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_route_is_documented_unless_excluded_with_a_reason(
    app: Flask, spec: dict[str, Any]
) -> None:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXCLUDED:
            continue
        for method in (rule.methods or set()) - IGNORED_METHODS:
            if method.lower() not in spec["paths"].get(openapi_path(rule.rule), {}):
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without @operation(...) (issuer.web.apidoc): " + ", ".join(missing)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint, reason in EXCLUDED.items():
        assert endpoint in endpoints, f"{endpoint} is excluded but no longer exists"
        assert reason.strip(), f"{endpoint} is excluded without a reason"


def test_every_operation_has_a_summary_and_an_answer(spec: dict[str, Any]) -> None:
    operations = [
        (f"{method.upper()} {path}", op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) >= 48
    for name, op in operations:
        assert op["summary"].strip(), f"{name} has no summary"
        assert op["responses"], f"{name} documents no response"
    ids = [op["operationId"] for _, op in operations]
    assert len(ids) == len(set(ids))


def test_a_route_without_metadata_is_reported(app: Flask) -> None:
    app.add_url_rule("/undocumented/<int:n>", "undocumented", lambda n: "")
    app.add_url_rule(
        "/documented/<path:rest>", "documented", operation("Documented")(lambda rest: "")
    )
    found = {rule.rule: metadata for rule, _, metadata in routes(app)}
    assert found["/undocumented/<int:n>"] is None
    assert found["/documented/<path:rest>"] is not None
    assert "/static/<path:filename>" not in found


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/credentials/<path:reference>", "/credentials/{reference}"),
        (
            "/wallet/<wallet_id>/clr/<framework_id>.json",
            "/wallet/{wallet_id}/clr/{framework_id}.json",
        ),
        ("/items/<int(min=1):n>", "/items/{n}"),
        ("/", "/"),
    ],
)
def test_rules_become_openapi_paths(rule: str, path: str) -> None:
    assert openapi_path(rule) == path


def test_files_and_pages_are_documented_with_their_media_types(spec: dict[str, Any]) -> None:
    def media(path: str, method: str = "get", status: str = "200") -> set[str]:
        return set(spec["paths"][path][method]["responses"][status].get("content", {}))

    assert media("/credentials/{credential_id}/qr.png") == {"image/png"}
    assert media("/batches/{batch_id}/wallets.zip") == {"application/zip"}
    assert media("/batches/template.csv") == {"text/csv"}
    assert media("/wallet/{wallet_id}") == {"text/html"}
    assert media("/.well-known/did.json") == {"application/did+ld+json"}
    roster = spec["paths"]["/batches"]["post"]["requestBody"]["content"]
    assert set(roster) == {"application/json", "multipart/form-data", "text/csv"}
    assert spec["paths"]["/issue/credentials"]["get"]["security"] == [{"consoleSession": []}]
    assert spec["paths"]["/awards"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/verify"]["post"]


def test_docs_lists_every_operation(client: FlaskClient, spec: dict[str, Any]) -> None:
    page = client.get("/docs").get_data(as_text=True)
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
