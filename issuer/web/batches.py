"""Cohort issuance over HTTP, and its page in the issuer console.

API (bearer token):
    POST /batches                      a roster (multipart `roster`, text/csv, or JSON rows) -> 202
    GET  /batches                      the newest batches
    GET  /batches/{id}                 progress: counts, status, errors by row
    GET  /batches/{id}/summary.csv     each row's credentials and wallet link
    GET  /batches/{id}/wallets.zip     each learner's wallet files (`?clr=false`: no CLRs)
    GET  /batches/template.csv         a roster template (public)

Console (signed-in session, CSRF-checked form):
    GET  /issue/batches                upload form and the newest batches
    POST /issue/batches                check (dry run) or start a roster
    GET  /issue/batches/{id}           progress (refreshes itself while running)
    GET  /issue/batches/{id}/summary.csv, /wallets.zip

Batches start through the runner the wiring chose (`Services.batch_runner`): without
`ISSUER_REDIS_URL` a thread of this process (signing in worker processes); with it, the
RQ queue for `ler-issuer worker`.
"""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.wrappers import Response as BaseResponse

from issuer.errors import Conflict, InvalidInput
from issuer.model.api import (
    BatchListQuery,
    BatchOptionsBody,
    BatchRequestBody,
    BatchStatusBody,
)
from issuer.model.credential import format_datetime_z
from issuer.proofs.suites import DEFAULT_SUITE
from issuer.services.batch_results import stream_wallets_zip, summary_lines
from issuer.services.batches import BatchOptions, CheckReport, RosterProblems
from issuer.services.roster import (
    Roster,
    read_csv,
    read_rows,
    refuse_spreadsheet,
    template_csv,
)
from issuer.store.batches import StoredBatch
from issuer.web import services
from issuer.web.apidoc import (
    CSV,
    FORM,
    JSON,
    MULTIPART,
    ZIP,
    BatchPageQuery,
    BatchUploadQuery,
    ConsoleRosterUpload,
    CsrfForm,
    Reply,
    RosterUpload,
    WalletsZipQuery,
    operation,
    page,
    see_other,
)
from issuer.web.auth import current_actor, require_token
from issuer.web.console import signed_in, signed_in_actor
from issuer.web.problems import problem
from issuer.web.requests import json_body, parse_query
from issuer.web.session import check_csrf
from issuer.wiring import Services

bp = Blueprint("batches", __name__)
log = logging.getLogger(__name__)

MAX_ROSTER_BYTES = 32 * 1024 * 1024
TRUE = ("1", "true", "yes", "on")


# Starting a batch -------------------------------------------------------------------------


def start(svc: Services, batch: StoredBatch) -> str:
    """Start the batch with the configured runner; return "queue" or "thread"."""
    svc.batch_runner.start(batch)
    return svc.batch_runner.kind


def _needs_runner(batch: StoredBatch, now: datetime) -> bool:
    """Whether to start (or resume) the batch: not when it is running here, or recently
    made progress elsewhere (another web worker's thread)."""
    return services().batch_runner.needs_start(batch, now)


def _read_roster() -> tuple[Roster, BatchOptionsBody, str]:
    """Return the posted roster, its options and its name; 400/415 if there is none."""
    roster, options, source, _ = _read_roster_text()
    return roster, options, source


def _read_roster_text() -> tuple[Roster, BatchOptionsBody, str, str | None]:
    """`_read_roster`, and the roster's CSV text (None for JSON rows)."""
    request.max_content_length = MAX_ROSTER_BYTES
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("roster")
        if upload is None or not upload.filename:
            raise BadRequest("send the roster CSV as the form field 'roster'")
        form = request.form
        options = BatchOptionsBody(
            replace=form.get("replace", "").lower() in TRUE,
            dry_run=form.get("dryRun", form.get("dry_run", "")).lower() in TRUE,
            cryptosuite=form.get("cryptosuite") or DEFAULT_SUITE,
            notify=form.get("notify", "").lower() in TRUE,
        )
        data = _csv_bytes(upload.read())
        return read_csv(data), options, upload.filename.replace("\x00", ""), _text(data)
    if request.mimetype == "text/csv":
        args = request.args
        options = BatchOptionsBody(
            replace=args.get("replace", "").lower() in TRUE,
            dry_run=args.get("dryRun", "").lower() in TRUE,
            notify=args.get("notify", "").lower() in TRUE,
        )
        data = _csv_bytes(request.get_data())
        return read_csv(data), options, "roster.csv", _text(data)
    if request.is_json:
        data = json_body()
        if not isinstance(data, dict):
            raise InvalidInput("the body must be a JSON object with 'rows'")
        body = BatchRequestBody.model_validate(data)
        return read_rows(body.rows), body.options, "rows.json", None
    raise UnsupportedMediaType(
        "send the roster as multipart/form-data (field 'roster'), text/csv, "
        'or JSON {"rows": [...]}'
    )


def _text(data: bytes) -> str:
    """Return the roster's text (read_csv has checked that it is UTF-8)."""
    return data.decode("utf-8-sig")


def _csv_bytes(data: bytes) -> bytes:
    """Return a posted roster's bytes; 400 if they hold NUL (not text, and no database takes it)."""
    refuse_spreadsheet(data)
    if b"\x00" in data:
        raise BadRequest("the roster holds a NUL character: send it as CSV UTF-8 text")
    return data


# API --------------------------------------------------------------------------------------


@operation("A roster template (CSV)", tags=["Batches"], ok=Reply("The template", CSV))
@bp.get("/batches/template.csv")
def template() -> Response:
    """A roster template: the header and two example rows."""
    return _csv(template_csv(), "roster-template.csv")


@operation(
    "Issue to a cohort from a roster (202; progress at Location)",
    description="A CSV roster (multipart field `roster`, or a `text/csv` body with "
    "`?replace=`/`?dryRun=`), or JSON rows. Every row is checked first: any bad row is a 422 "
    "listing every problem by row (`errors`), and nothing is issued. The same roster again "
    "issues nothing twice and resumes an unfinished batch. `dryRun` only reports (200). "
    "`replace` revokes and reissues credentials already issued (default: skip).",
    tags=["Batches"],
    auth="bearer",
    body={JSON: BatchRequestBody, MULTIPART: RosterUpload, CSV: None},
    query=BatchUploadQuery,
    status=202,
    ok=Reply("Started (or resumed)", model=BatchStatusBody),
    also={200: Reply("dryRun: the check report")},
    errors=(400, 401, 413, 415, 422),
)
@bp.post("/batches")
@require_token
def create() -> Response:
    """Check a roster and start issuing it (202), or only check it (`dryRun`: 200)."""
    roster, body, source = _read_roster()
    options = BatchOptions(replace=body.replace, cryptosuite=body.cryptosuite, notify=body.notify)
    svc = services()
    if body.dry_run:
        return jsonify(_report_json(svc.batches.check(roster, options)))
    try:
        batch, resumed = svc.batches.submit(
            roster, options=options, source_name=source, actor=current_actor(), now=_now()
        )
    except RosterProblems as err:
        return _roster_problem(err)
    if _needs_runner(batch, _now()):
        start(svc, batch)
    out = jsonify({**_batch_json(svc.batches.get(batch.id)), "resumed": resumed})
    out.status_code = 202
    out.headers["Location"] = url_for("batches.progress", batch_id=batch.id)
    return out


@operation(
    "The newest batches, newest first",
    tags=["Batches"],
    auth="bearer",
    query=BatchListQuery,
    errors=(400, 401),
)
@bp.get("/batches")
@require_token
def recent() -> Response:
    """The newest batches (`?limit=`, at most 100)."""
    limit = parse_query(BatchListQuery).limit
    return jsonify({"batches": [_batch_json(b) for b in services().batches.recent(limit=limit)]})


@operation(
    "A batch's progress: issued, skipped, failed, status and errors by row",
    tags=["Batches"],
    auth="bearer",
    ok=Reply("The batch", model=BatchStatusBody),
    errors=(401, 404),
)
@bp.get("/batches/<batch_id>")
@require_token
def progress(batch_id: str) -> Response:
    """A batch's progress: counts, status and errors by row."""
    return jsonify(_batch_json(services().batches.get(batch_id)))


@operation(
    "Each roster row's credentials and the learner's wallet link (CSV)",
    tags=["Batches"],
    auth="bearer",
    ok=Reply("The summary", CSV),
    errors=(401, 404, 409),
)
@bp.get("/batches/<batch_id>/summary.csv")
@require_token
def summary(batch_id: str) -> Response:
    """Each roster row: the learner, their credentials' URLs and their wallet link."""
    return _summary(batch_id)


@operation(
    "A folder of wallet files per learner (zip)",
    tags=["Batches"],
    auth="bearer",
    query=WalletsZipQuery,
    ok=Reply("The wallets", ZIP),
    errors=(401, 404, 409),
)
@bp.get("/batches/<batch_id>/wallets.zip")
@require_token
def wallets(batch_id: str) -> Response:
    """A zip with a folder of wallet files per learner (streamed as it is made)."""
    return _wallets(batch_id)


# Console ----------------------------------------------------------------------------------


@operation(
    "Console: the roster upload form and the newest batches",
    tags=["Console"],
    auth="session",
    ok=page(),
)
@bp.get("/issue/batches")
@signed_in
def console_page() -> str:
    """The roster upload form and the newest batches."""
    return _page()


@operation(
    "Console: check a roster (dry run) or start issuing it",
    tags=["Console"],
    auth="session",
    body={MULTIPART: ConsoleRosterUpload},
    ok=page("The check report"),
    also={**see_other("the batch's page"), 422: page("The form, with the roster's problems")},
    errors=(400, 413),
)
@bp.post("/issue/batches")
@signed_in
def console_submit() -> BaseResponse | tuple[str, int] | str:
    """Check the uploaded roster (dry run) or start issuing it."""
    check_csrf()
    try:
        roster, body, source, text = _read_roster_text()
    except (BadRequest, InvalidInput) as err:
        detail = err.description if isinstance(err, BadRequest) else str(err)
        upload = request.files.get("roster")
        named = f"{upload.filename}: {detail}" if upload and upload.filename else detail
        return _page(error=f"The roster could not be read: {detail}", roster_error=named), 422
    options = BatchOptions(replace=body.replace, notify=body.notify)
    svc = services()
    if body.dry_run:
        report = svc.batches.check(roster, options)
        checked = None
        if not report.problems and text is not None and report.to_issue + report.to_replace:
            checked = svc.checked_rosters.put(
                actor=_actor(),
                source_name=source,
                content=text,
                options={"replace": body.replace, "notify": body.notify},
                now=_now(),
            )
        return _page(report=report, source=source, checked=checked, options=options), 200
    return _submit(roster, options, source)


def _actor() -> str:
    return signed_in_actor() or "console"


def _submit(roster: Roster, options: BatchOptions, source: str) -> BaseResponse | tuple[str, int]:
    """Submit the roster as a batch, start it, and show its page (or the roster's problems)."""
    svc = services()
    try:
        batch, _ = svc.batches.submit(
            roster, options=options, source_name=source, actor=_actor(), now=_now()
        )
    except RosterProblems as err:
        return _page(problems=err.problems, problem_count=err.count, source=source), 422
    if _needs_runner(batch, _now()):
        start(svc, batch)
    return redirect(url_for("batches.console_batch", batch_id=batch.id), code=303)


@operation(
    "Console: issue a roster checked before (no second upload)",
    tags=["Console"],
    auth="session",
    body={FORM: CsrfForm},
    ok=page("The roster's problems, if it has some now"),
    also={**see_other("the batch's page"), 404: page("The roster is no longer kept")},
    errors=(400,),
)
@bp.post("/issue/batches/checked/<checked_id>")
@signed_in
def console_issue_checked(checked_id: str) -> BaseResponse | tuple[str, int]:
    """Issue the roster checked with "Check only", kept server-side for a day."""
    check_csrf()
    svc = services()
    checked = svc.checked_rosters.get(checked_id, actor=_actor(), now=_now())
    if checked is None:
        error = "That checked roster is no longer kept (a day after the check): upload it again."
        return _page(error=error), 404
    options = BatchOptions(
        replace=bool(checked.options.get("replace")), notify=bool(checked.options.get("notify"))
    )
    outcome = _submit(read_csv(checked.content), options, checked.source_name)
    if not isinstance(outcome, tuple):
        svc.checked_rosters.forget(checked_id)
    return outcome


@operation(
    "Console: a batch's progress (reloads itself while running)",
    tags=["Console"],
    auth="session",
    query=BatchPageQuery,
    ok=page(),
    errors=(404,),
)
@bp.get("/issue/batches/<batch_id>")
@signed_in
def console_batch(batch_id: str) -> str:
    """A batch's progress; the page reloads itself every few seconds until it is done."""
    batch = services().batches.get(batch_id)
    refresh = batch.status in ("queued", "running") and request.args.get("refresh") != "off"
    return render_template(
        "issue_batches.html",
        batch=batch,
        view=_batch_json(batch),
        refresh=refresh,
        queued_for_worker=services().batch_runner.kind == "queue",
        now=_now(),
    )


@operation(
    "Console: a batch's summary (CSV)",
    tags=["Console"],
    auth="session",
    ok=Reply("The summary", CSV),
    errors=(404, 409),
)
@bp.get("/issue/batches/<batch_id>/summary.csv")
@signed_in
def console_summary(batch_id: str) -> Response:
    """The summary CSV, for the signed-in console."""
    return _summary(batch_id)


@operation(
    "Console: a batch's wallet files (zip)",
    tags=["Console"],
    auth="session",
    query=WalletsZipQuery,
    ok=Reply("The wallets", ZIP),
    errors=(404, 409),
)
@bp.get("/issue/batches/<batch_id>/wallets.zip")
@signed_in
def console_wallets(batch_id: str) -> Response:
    """The wallet files zip, for the signed-in console."""
    return _wallets(batch_id)


def _page(**context: Any) -> str:
    return render_template(
        "issue_batches.html", batches=services().batches.recent(limit=10), now=_now(), **context
    )


# Shared -----------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _finished(batch_id: str) -> StoredBatch:
    batch = services().batches.get(batch_id)
    if batch.status != "finished":
        raise Conflict(f"batch {batch_id} is {batch.status}; its results come when it finishes")
    return batch


def _summary(batch_id: str) -> Response:
    _finished(batch_id)
    svc = services()
    lines = summary_lines(svc.batches.results(batch_id), svc.settings.base_url)
    return _csv(stream_with_context(lines), f"batch-{batch_id}-summary.csv")


def _wallets(batch_id: str) -> Response:
    _finished(batch_id)
    svc = services()
    with_clr = request.args.get("clr", "true").lower() in TRUE

    def generate() -> Iterator[bytes]:
        yield from stream_wallets_zip(
            lambda: svc.batches.results(batch_id),
            base_url=svc.settings.base_url,
            wallets=svc.wallet,
            now=_now(),
            with_clr=with_clr,
        )

    response = Response(stream_with_context(generate()), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="batch-{batch_id}-wallets.zip"'
    return response


def _csv(text: str | Iterator[str], filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _roster_problem(err: RosterProblems) -> Response:
    return problem(
        422,
        err.title,
        str(err),
        err.code,
        errors=[p.to_json() for p in err.problems],
    )


def _time(value: datetime | None) -> str | None:
    return format_datetime_z(value) if value else None


def _batch_json(batch: StoredBatch) -> dict[str, Any]:
    base = url_for("batches.progress", batch_id=batch.id)
    return {
        "id": batch.id,
        "status": batch.status,
        "source": batch.source_name,
        "rows": batch.row_count,
        "credentials": batch.credential_count,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
        "done": batch.issued + batch.skipped,
        "options": batch.options,
        "errors": batch.errors,
        "createdAt": _time(batch.created_at),
        "startedAt": _time(batch.started_at),
        "finishedAt": _time(batch.finished_at),
        "links": {
            "self": base,
            "summary": f"{base}/summary.csv",
            "wallets": f"{base}/wallets.zip",
        },
    }


def _report_json(report: CheckReport) -> dict[str, Any]:
    return {
        "dryRun": True,
        "valid": not report.problems,
        "rows": report.rows,
        "credentials": report.credentials,
        "toIssue": report.to_issue,
        "toReplace": report.to_replace,
        "skipped": report.skipped,
        "problems": [p.to_json() for p in report.problems],
    }
