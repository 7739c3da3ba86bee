"""GET /.well-known/did.json: the did:web document, public keys only."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.settings import Settings
from issuer.web import create_app


@pytest.fixture
def web_app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings.model_copy(update={"did_method": "web"}))
    yield application
    application.extensions["issuer"].engine.dispose()


def _secrets(keys_dir: Path) -> list[str]:
    import json

    return [json.loads(p.read_text())["secretKeyMultibase"] for p in keys_dir.glob("key-*.json")]


def test_the_did_web_document_lists_every_key_and_no_private_key(
    web_app: Flask, settings: Settings
) -> None:
    services = web_app.extensions["issuer"]
    services.keys.ensure()  # create_app made the first key already
    services.keys.rotate()
    response = web_app.test_client().get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.mimetype == "application/did+ld+json"
    document = response.get_json(force=True)
    assert document == services.identity.did_document()
    assert document["id"] == "did:web:issuer.example.org"
    assert len(document["verificationMethod"]) == len(document["assertionMethod"]) == 2
    assert not any(
        secret in response.get_data(as_text=True) for secret in _secrets(settings.keys_dir)
    )


def test_a_did_key_issuer_has_no_did_web_document(client: FlaskClient) -> None:
    response = client.get("/.well-known/did.json")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_the_path_form_is_only_served_for_a_base_url_with_a_path(web_app: Flask) -> None:
    web_app.extensions["issuer"].keys.ensure()
    assert web_app.test_client().get("/did.json").status_code == 404
