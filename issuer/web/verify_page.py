"""The verify page for employers: paste JSON, upload a file (JSON, PNG or SVG) or open a link.

    GET  /verify                          the form
    GET  /verify?credential={link}        verify a credential issued here, by its link or uuid
    POST /verify                          verify pasted text or an uploaded file
    GET  /credentials/{uuid}/verify       the public verification page of one credential
                                          (what its QR code and LinkedIn link open)

Every check is shown in plain words, then what the learner achieved, the skills profile
(`issuer.services.skills`: levels × statements demonstrated, optionally against a target
level) and, given the candidate's email, whether each credential names them
(`issuer.services.holder_check`). A baked image is opened, its credential taken out and
verified as usual.
"""

import base64
import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, render_template, request

from issuer.errors import InvalidInput
from issuer.model.verification import VerificationResult
from issuer.services.holder_check import recipient_matches
from issuer.verify.checks.status_entries import is_status_unknown
from issuer.wallet.baking import extract_png, extract_svg
from issuer.wallet.describe import describe_credential
from issuer.wallet.files import FileKind, file_kind, parse_json, read_credential_file
from issuer.web import bounded_json, services
from issuer.web.apidoc import FORM, MULTIPART, VerifyForm, VerifyPageQuery, operation, page
from issuer.web.wallet import credential_by_uuid

bp = Blueprint("verify_page", __name__)

CHECK_LABELS = {
    "shape": "Format",
    "proof": "Signature",
    "issuer": "Issuer",
    "holder": "Holder",
    "challenge": "Challenge",
    "domain": "Domain",
    "validFrom": "Start date",
    "validUntil": "Expiry date",
    "credentialStatus": "Revocation and suspension",
    "credentialSchema": "Data format (schema)",
    "credentials": "Credentials inside",
}
STATUS_WORDS = {"passed": "Passed", "failed": "Failed", "warning": "Warning"}
SOURCES = {
    "json": "the JSON you gave",
    "png": "the PNG badge image you uploaded (the credential baked into it)",
    "svg": "the SVG badge image you uploaded (the credential baked into it)",
}
SEVERAL = "the credentials you pasted, each on its own"


def _checks(result: VerificationResult) -> list[dict[str, str]]:
    return [
        {
            "label": CHECK_LABELS.get(check.name, check.name),
            "status": check.status,
            "status_word": STATUS_WORDS[check.status],
            "message": check.message,
        }
        for check in result.checks
    ]


def verdict(result: VerificationResult) -> str:
    """Return the banner to show: "verified", "verified-with-warnings", "status-unknown"
    (not verified only because the revocation status could not be checked: not green
    either) or "not-verified"."""
    if result.verified:
        warned = any(check.status == "warning" for check in result.checks)
        return "verified-with-warnings" if warned else "verified"
    failed = [check for check in result.checks if check.failed]
    if failed and all(is_status_unknown(check) for check in failed):
        if all(item.verified for item in result.credentials):
            return "status-unknown"
    return "not-verified"


def result_view(result: VerificationResult) -> dict[str, Any]:
    """Return a verification result arranged for the page (checks and achievements)."""
    document = result.document if isinstance(result.document, dict) else {}
    return {
        "verified": result.verified,
        "verdict": verdict(result),
        "kind": result.kind,
        "checks": _checks(result),
        "credential": describe_credential(document) if result.kind == "credential" else None,
        "holder": result.summary.holder,
        "items": [
            {
                "verified": item.verified,
                "checks": _checks(item),
                "credential": describe_credential(
                    item.document if isinstance(item.document, dict) else {}
                ),
            }
            for item in result.credentials
        ],
    }


def _render(
    document: dict[str, Any] | list[dict[str, Any]] | None = None,
    *,
    source: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    view = None
    email = request.values.get("email", "").strip()
    target = request.values.get("target", "").strip()
    skills = holder = None
    if document is not None:
        now = datetime.now(UTC)
        verifier = services().verifier
        if isinstance(document, list):
            result = verifier.several(document, now=now)
        else:
            result = verifier.document(document, now=now)
        view = result_view(result)
        view["several"] = isinstance(document, list)
        skills = services().skills.profile(result, target=target or None)
        holder = recipient_matches(result, email) if email else None
    html = render_template(
        "verify.html",
        result=view,
        source=source,
        error=error,
        link=request.args.get("credential"),
        skills=skills,
        holder=holder,
        email=email,
        target=target,
        targets=services().skills.targets(),
        resubmit=_encode(document) if document is not None else None,
    )
    return html, status


@operation(
    "The verify page; with `?credential=`, the result for a credential issued here",
    tags=["Pages"],
    query=VerifyPageQuery,
    ok=page(),
    also={404: page("No such credential: the form"), 422: page("Not a link here: the form")},
)
@bp.get("/verify")
def verify_form() -> tuple[str, int]:
    """The form; with `?credential=`, the result for a credential issued here."""
    link = request.args.get("credential", "").strip()
    if not link:
        return _render()
    prefix = f"{services().settings.base_url}/credentials/"
    reference = link.removeprefix(prefix).split("/", 1)[0].split("?", 1)[0]
    if link != reference and not link.startswith(prefix):
        return _render(
            error="Only credentials issued by this service can be opened by link here. Ask the "
            "learner for the credential file (JSON, PNG or SVG badge) and upload it instead.",
            status=422,
        )
    stored = services().credentials.get(reference)
    if stored is None:
        return _render(error=f"No credential was issued here under {link}.", status=404)
    return _render(parse_json(stored.document), source=f"the credential at {stored.url}")


@operation(
    "Verify pasted JSON or an uploaded file (JSON, or a PNG or SVG badge)",
    tags=["Pages"],
    body={MULTIPART: VerifyForm, FORM: VerifyForm},
    ok=page("The result, check by check"),
    also={422: page("Nothing readable was sent: the form, with why")},
    errors=(400, 413),
)
@bp.post("/verify")
def verify_submit() -> tuple[str, int]:
    """Verify pasted JSON or an uploaded file (JSON, or a PNG or SVG badge)."""
    uploads = [item for item in request.files.getlist("file") if item.filename]
    text = request.form.get("text", "") or _decode(request.form.get("checked", ""))
    if not uploads and not text.strip():
        return _render(
            error="Paste a credential, choose a file, or enter a credential link.", status=422
        )
    if not uploads:
        try:
            kind, document = _read_submitted(text.encode("utf-8"), several=True)
        except InvalidInput as err:
            return _render(error=f"What you pasted: {err}.", status=422)
        return _render(document, source=SEVERAL if isinstance(document, list) else SOURCES[kind])
    documents = []
    for upload in uploads:
        try:
            kind, read = _read_submitted(upload.read(), several=False)
        except InvalidInput as err:
            return _render(error=f"The file {upload.filename}: {err}.", status=422)
        assert isinstance(read, dict)
        documents.append(read)
    if len(documents) == 1:
        return _render(documents[0], source=SOURCES[kind])
    return _render(documents, source=f"the {len(documents)} files you uploaded, each on its own")


def _encode(document: Any) -> str:
    """Return what was checked, for the "Check again" form (base64url of its JSON)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def _decode(value: str) -> str:
    """Return what `_encode` gave (empty when it is not base64url of UTF-8)."""
    try:
        return base64.urlsafe_b64decode(value.strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


def _read_submitted(
    data: bytes, *, several: bool
) -> tuple[FileKind, dict[str, Any] | list[dict[str, Any]]]:
    """Return what was pasted or uploaded, parsed by the same bounded parser as the API.

    JSON is read by `bounded_json.loads`; with `several`, a JSON array of credentials is
    taken too. A badge image's baked credential is checked by it before
    `read_credential_file` takes it out (and says what is wrong with the image).
    """
    kind = file_kind(data)
    if kind == "json":
        document = bounded_json.loads(data)
        if several and isinstance(document, list) and document:
            if all(isinstance(item, dict) for item in document):
                return kind, document
        if not isinstance(document, dict):
            raise InvalidInput(
                "does not hold a credential or presentation (a JSON object), nor a list of "
                "credentials"
                if several
                else "does not hold a credential or presentation (a JSON object)"
            )
        return kind, document
    baked = extract_png(data) if kind == "png" else extract_svg(data)
    if baked is not None and baked.lstrip().startswith("{"):
        try:
            bounded_json.loads(baked)
        except InvalidInput as err:
            raise InvalidInput(f"the credential baked into the image is {err}") from None
    return read_credential_file(data)


@operation(
    "The public verification page of a credential issued here",
    tags=["Pages"],
    ok=page(),
    errors=(404,),
)
@bp.get("/credentials/<credential_id>/verify")
def verify_issued(credential_id: str) -> tuple[str, int]:
    """The public verification page of one credential issued here."""
    stored = credential_by_uuid(credential_id)
    return _render(parse_json(stored.document), source=f"the credential at {stored.url}")
