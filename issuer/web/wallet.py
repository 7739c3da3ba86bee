"""The learner's wallet page and the files it offers.

    GET /wallet                                     how to get your private link
    GET /wallet/{wallet id}                         your credentials, as cards, with downloads
    GET /wallet/{wallet id}/presentation.json       all of them in one (unsigned) presentation
    GET /wallet/{wallet id}/clr/{framework id}.json a signed CLR 2.0 of one framework's
    GET /credentials/{uuid}/badge.png|badge.svg     the badge with the credential baked in
    GET /credentials/{uuid}/qr.svg|qr.png           a QR code opening its verification page
    GET /credentials/{uuid}/certificate.pdf         its PDF certificate (409 unless in good standing)
    GET /wallet/{wallet id}/record.pdf              every credential in good standing, one PDF
    POST /wallet/{wallet id}/credentials/{uuid}/lcw an offer of one credential to Learner
                                                    Credential Wallet: its deep link and QR code
    POST /wallet/{wallet id}/credentials/{uuid}/oid4vci  ... to another wallet (OpenID4VCI QR)
    POST /wallet/{wallet id}/lcw, /wallet/{wallet id}/oid4vci  the same for every credential
                                                    in good standing, in one offer
    GET  /wallet/{wallet id}/lcw, /wallet/{wallet id}/oid4vci  where the email's wallet-app
                                                    buttons lead: a page with that form

Add `?download=1` to any file to have the browser save it (Content-Disposition: attachment).
"""

import json
from datetime import UTC, datetime
from typing import Any

import segno
from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from issuer.errors import Conflict, NotFound
from issuer.frameworks.structure import slugify
from issuer.services.signing import serialize
from issuer.services.wallet import WalletCredential
from issuer.store.credentials import StoredCredential
from issuer.wallet.describe import describe_credential
from issuer.wallet.grouping import Entry, group_by_level
from issuer.wallet.sharing import linkedin_add_url, qr_png, qr_svg
from issuer.web import services
from issuer.web.apidoc import FORM, CsrfForm, DownloadQuery, Reply, operation, page
from issuer.web.session import check_csrf

bp = Blueprint("wallet", __name__)

VC_MEDIA_TYPE = "application/vc+ld+json"
VP_MEDIA_TYPE = "application/vp+ld+json"


def _now() -> datetime:
    return datetime.now(UTC)


def file_response(body: bytes | str, mimetype: str, filename: str) -> Response:
    """Return a file, as an attachment named `filename` when `?download` is given."""
    response = Response(body, mimetype=mimetype)
    disposition = "attachment" if "download" in request.args else "inline"
    response.headers.set("Content-Disposition", disposition, filename=filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def credential_by_uuid(credential_id: str) -> StoredCredential:
    """Return a credential issued here by its uuid; raise `NotFound`."""
    stored = services().credentials.get(credential_id)
    if stored is None:
        raise NotFound("no such credential was issued here")
    return stored


def file_stem(stored: StoredCredential) -> str:
    """Return a readable file name stem for a credential, e.g. `visitor-greeting-procedures-1a2b3c4d`."""
    document = json.loads(stored.document)
    name = slugify(str(document.get("name") or "credential"))[:60].strip("-.") or "credential"
    return f"{name}-{stored.id[:8]}"


def credential_link(stored: StoredCredential) -> str:
    """Return the URL under which this service serves a credential (by its uuid)."""
    return f"{services().settings.base_url}/credentials/{stored.id}"


def verification_page(stored: StoredCredential) -> str:
    """Return the public URL of a credential's verification page."""
    return f"{credential_link(stored)}/verify"


@operation(
    "The credential baked into its PNG badge (OB 3.0 Baking)",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The image", "image/png"),
    errors=(404,),
)
@bp.get("/credentials/<credential_id>/badge.png")
def badge_png(credential_id: str) -> Response:
    """The credential baked into its PNG badge."""
    stored = credential_by_uuid(credential_id)
    image = services().wallet.badge(stored, "png")
    return file_response(image, "image/png", f"{file_stem(stored)}.png")


@operation(
    "The credential baked into its SVG badge (OB 3.0 Baking)",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The image", "image/svg+xml"),
    errors=(404,),
)
@bp.get("/credentials/<credential_id>/badge.svg")
def badge_svg(credential_id: str) -> Response:
    """The credential baked into its SVG badge."""
    stored = credential_by_uuid(credential_id)
    image = services().wallet.badge(stored, "svg")
    response = file_response(image, "image/svg+xml", f"{file_stem(stored)}.svg")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"  # the issuer's logo
    )
    return response


@operation(
    "A QR code opening the credential's verification page (SVG)",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The image", "image/svg+xml"),
    errors=(404,),
)
@bp.get("/credentials/<credential_id>/qr.svg")
def qr_code_svg(credential_id: str) -> Response:
    """A QR code opening the credential's verification page (SVG)."""
    stored = credential_by_uuid(credential_id)
    url = verification_page(stored)
    image = qr_svg(url, title=f"QR code: {url}")
    return file_response(image, "image/svg+xml", f"{file_stem(stored)}-qr.svg")


@operation(
    "A QR code opening the credential's verification page (PNG)",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The image", "image/png"),
    errors=(404,),
)
@bp.get("/credentials/<credential_id>/qr.png")
def qr_code_png(credential_id: str) -> Response:
    """A QR code opening the credential's verification page (PNG)."""
    stored = credential_by_uuid(credential_id)
    return file_response(
        qr_png(verification_page(stored)), "image/png", f"{file_stem(stored)}-qr.png"
    )


@operation(
    "The credential's PDF certificate",
    description="Achievement, level, framework, occupation (O*NET-SOC code), issuer, date and a "
    "QR code opening the verification page, in fonts covering non-Latin scripts. A revoked, "
    "suspended or expired credential has no certificate (409): a printed copy would outlive "
    "the revocation, while its verification page tells the truth.",
    tags=["Credentials"],
    query=DownloadQuery,
    ok=Reply("The certificate", "application/pdf"),
    errors=(404, 409),
)
@bp.get("/credentials/<credential_id>/certificate.pdf")
def certificate_pdf(credential_id: str) -> Response:
    """The credential's PDF certificate (only while it is in good standing)."""
    stored = credential_by_uuid(credential_id)
    pdf = services().wallet.certificate(stored, verify_url=verification_page(stored), now=_now())
    return file_response(pdf, "application/pdf", f"{file_stem(stored)}-certificate.pdf")


@operation(
    "A learner's record: every credential in good standing in one PDF",
    description="Grouped by framework, each credential with its level, issuer, date and a QR "
    "code opening its verification page; says how many were left out (revoked, suspended or "
    "expired). None in good standing → 409.",
    tags=["Wallet"],
    query=DownloadQuery,
    ok=Reply("The record", "application/pdf"),
    errors=(404, 409),
)
@bp.get("/wallet/<wallet_id>/record.pdf")
def record_pdf(wallet_id: str) -> Response:
    """Every credential in good standing of the wallet, as one PDF record."""
    pdf = services().wallet.record(wallet_id, verify_url=verification_page, now=_now())
    return file_response(pdf, "application/pdf", "learning-record.pdf")


@operation("How to reach your wallet (by its private link)", tags=["Wallet"], ok=page())
@bp.get("/wallet")
def wallet_help() -> str:
    """Explain that a wallet is reached by its private link, and how to get it."""
    return render_template("wallet_help.html")


@operation(
    "A learner's credentials, by framework and level, with downloads",
    description="Each level is one card with its competency statements folded inside. "
    "Credentials not in good standing offer only their JSON and verification page.",
    tags=["Wallet"],
    ok=page(),
    errors=(404,),
)
@bp.get("/wallet/<wallet_id>")
def wallet(wallet_id: str) -> str:
    """The learner's credentials as cards, with every download."""
    svc = services()
    items = svc.wallet.credentials(wallet_id, now=_now())
    cards = [_card(item) for item in items]
    entries = [
        Entry(card["view"], card, item.stored.framework_id, item.badge.rank)
        for card, item in zip(cards, items, strict=True)
    ]
    return render_template(
        "wallet.html",
        wallet_id=wallet_id,
        cards=cards,
        groups=group_by_level(entries),
        frameworks=svc.wallet.frameworks(items),
        good=sum(1 for item in items if item.state == "active"),
    )


def _card(item: WalletCredential) -> dict[str, Any]:
    stored = item.stored
    view = describe_credential(item.document)
    base = credential_link(stored)
    return {
        "id": stored.id,
        "url": stored.url,
        "view": view,
        "state": item.state,
        "badge": item.badge,
        "files": {
            "json": f"{base}?download=1",
            "png": f"{base}/badge.png?download=1",
            "svg": f"{base}/badge.svg?download=1",
            "qr": f"{base}/qr.png?download=1",
            "pdf": f"{base}/certificate.pdf?download=1",
        },
        "image": f"{base}/badge.svg",
        "qr": f"{base}/qr.svg",
        "verify": verification_page(stored),
        "linkedin": linkedin_add_url(
            name=view.achievement.name
            if view.achievement.kind != "statement"
            else f"{view.achievement.name} — {view.achievement.occupation or ''}".rstrip(" —"),
            organization=view.issuer or services().settings.issuer_name,
            issued=view.issued,
            expires=view.expires,
            cert_url=verification_page(stored),
            cert_id=stored.id,
        ),
    }


@operation(
    "A learner's credentials in one unsigned VerifiablePresentation",
    description="The wallet id is the private link given at issue.",
    tags=["Wallet"],
    query=DownloadQuery,
    ok=Reply("The presentation", VP_MEDIA_TYPE),
    errors=(404,),
)
@bp.get("/wallet/<wallet_id>/presentation.json")
def presentation(wallet_id: str) -> Response:
    """Every credential in good standing, in one unsigned VerifiablePresentation."""
    document = services().wallet.presentation(wallet_id, now=_now())
    return file_response(serialize(document), VP_MEDIA_TYPE, "credentials-presentation.json")


@operation(
    "A signed CLR 2.0 ClrCredential of a learner's credentials from one framework",
    tags=["Wallet"],
    query=DownloadQuery,
    ok=Reply("The CLR", VC_MEDIA_TYPE),
    errors=(404,),
)
@bp.get("/wallet/<wallet_id>/clr/<framework_id>.json")
def clr(wallet_id: str, framework_id: str) -> Response:
    """A signed Comprehensive Learner Record of the learner's credentials from one framework."""
    document = services().wallet.clr(wallet_id, framework_id, now=_now())
    return file_response(serialize(document), VC_MEDIA_TYPE, f"learning-record-{framework_id}.json")


_OFFER_ERRORS = (400, 404)
_LCW_PAGE = page("The deep link, its QR code and instructions")
_OID4VCI_PAGE = page("The OpenID4VCI credential offer's QR code and link, and instructions")
_NOT_GOOD = {409: page("The credential is not in good standing")}


@operation(
    "Add a credential to Learner Credential Wallet (from the wallet page)",
    description="The wallet page's form (with its CSRF token; the private link authorises it). "
    "Creates an offer of one credential in good standing of this wallet (audited as "
    "`wallet:{wallet id}`) and answers a page with the Learner Credential Wallet deep link, "
    "its QR code and when the offer expires. Not in this wallet → 404; revoked, suspended or "
    "expired → 409.",
    tags=["Wallet"],
    body={FORM: CsrfForm},
    ok=_LCW_PAGE,
    also=_NOT_GOOD,
    errors=_OFFER_ERRORS,
)
@bp.post("/wallet/<wallet_id>/credentials/<credential_id>/lcw")
def add_to_lcw(wallet_id: str, credential_id: str) -> Response:
    """Offer one of the wallet's credentials to Learner Credential Wallet: link and QR code."""
    return _offer_page(wallet_id, credential_id, "lcw")


@operation(
    "Add a credential to another wallet app (OpenID4VCI, from the wallet page)",
    description="As the Learner Credential Wallet button, for wallets speaking OpenID4VCI 1.0: "
    "answers a page with the `openid-credential-offer://` link (pre-authorized code, no "
    "transaction code: the private link authorises it) and its QR code.",
    tags=["Wallet"],
    body={FORM: CsrfForm},
    ok=_OID4VCI_PAGE,
    also=_NOT_GOOD,
    errors=_OFFER_ERRORS,
)
@bp.post("/wallet/<wallet_id>/credentials/<credential_id>/oid4vci")
def add_to_oid4vci(wallet_id: str, credential_id: str) -> Response:
    """Offer one of the wallet's credentials over OpenID4VCI: link and QR code."""
    return _offer_page(wallet_id, credential_id, "oid4vci")


@operation(
    "Add every credential to Learner Credential Wallet at once",
    description="One offer of every credential in good standing of this wallet: the deep "
    "link answers one presentation holding a holder-bound copy of each (LCW stores each "
    "credential of a presentation). None in good standing → 409.",
    tags=["Wallet"],
    body={FORM: CsrfForm},
    ok=_LCW_PAGE,
    also=_NOT_GOOD,
    errors=_OFFER_ERRORS,
)
@bp.post("/wallet/<wallet_id>/lcw")
def add_all_to_lcw(wallet_id: str) -> Response:
    """Offer every credential in good standing to Learner Credential Wallet."""
    return _offer_page(wallet_id, None, "lcw")


@operation(
    "Add every credential to another wallet app at once (OpenID4VCI)",
    description="One credential offer (one pre-authorized code) of every credential in good "
    "standing: the credential response holds a holder-bound copy of each in `credentials`. "
    "None in good standing → 409.",
    tags=["Wallet"],
    body={FORM: CsrfForm},
    ok=_OID4VCI_PAGE,
    also=_NOT_GOOD,
    errors=_OFFER_ERRORS,
)
@bp.post("/wallet/<wallet_id>/oid4vci")
def add_all_to_oid4vci(wallet_id: str) -> Response:
    """Offer every credential in good standing over OpenID4VCI."""
    return _offer_page(wallet_id, None, "oid4vci")


@operation(
    "Start adding every credential to a wallet app (the email's buttons lead here)",
    description="`app` is `lcw` or `oid4vci`. A page with the button that makes the offer "
    "(a POST to the same URL): opening the link makes nothing, so a link scanner or a late "
    "reader of the email spends no offer.",
    tags=["Wallet"],
    ok=page("The button, and how many credentials it adds"),
    errors=(404,),
)
@bp.get("/wallet/<wallet_id>/<any(lcw, oid4vci):app>")
def start_wallet_app(wallet_id: str, app: str) -> str:
    """The page an email's wallet-app button opens: what will be added, and the button."""
    items = services().wallet.credentials(wallet_id, now=_now())
    good = sum(1 for item in items if item.state == "active")
    return render_template("wallet_app_start.html", wallet_id=wallet_id, app=app, good=good)


def _offer_page(wallet_id: str, credential_id: str | None, protocol: str) -> Response:
    """Create an offer of one credential (or all in good standing) and answer its page."""
    check_csrf()
    svc = services()
    now = _now()
    items = svc.wallet.credentials(wallet_id, now=now)
    template = "wallet_lcw.html" if protocol == "lcw" else "wallet_oid4vci.html"
    refused = None
    if credential_id is not None:
        item = next((i for i in items if i.stored.id == credential_id), None)
        if item is None:
            raise NotFound("this credential is not in this wallet")
        what = f"“{describe_credential(item.document).achievement.name}”"
        chosen = [item]
        if item.state != "active":
            refused = f"This credential is {item.state}, so it cannot be added to a wallet app."
    else:
        chosen = [i for i in items if i.state == "active"]
        what = f"your {len(chosen)} credential{'' if len(chosen) == 1 else 's'}"
        if not chosen:
            refused = "None of your credentials is in good standing, so there is nothing to add."
    if refused is None:
        try:
            created = svc.offers.create(
                [i.stored.id for i in chosen], now=now, actor=f"wallet:{wallet_id}"
            )
        except Conflict as err:
            refused = f"This cannot be added to a wallet app: {err}"
    if refused is not None:
        html = render_template(template, wallet_id=wallet_id, what=what, refused=refused)
        return _no_store(Response(html, status=409, mimetype="text/html"))
    link = created.links.deep_link if protocol == "lcw" else created.oid4vci.credential_offer_uri
    qr = segno.make_qr(link, error="m").svg_inline(
        scale=5 if protocol == "lcw" else 4, border=4, dark="#000000", light="#ffffff"
    )
    html = render_template(
        template,
        wallet_id=wallet_id,
        what=what,
        count=created.count,
        link=link,
        qr=Markup(qr),  # segno SVG: path data only, nothing from the request
        expires=created.offer.expires_at,
    )
    return _no_store(Response(html, mimetype="text/html"))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
