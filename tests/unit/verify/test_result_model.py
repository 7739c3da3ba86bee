"""VerificationResult: the verdict rule and the VC API (VCALM + legacy) response shape."""

from issuer.model.verification import CheckResult, VerificationResult

PROOF = {"type": "DataIntegrityProof", "proofValue": "z..."}
ENTRY = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}


def _check(name: str, status: str = "passed", **kw: object) -> CheckResult:
    return CheckResult(name=name, status=status, message=f"{name} {status}.", **kw)  # type: ignore[arg-type]


def test_an_empty_list_of_checks_is_never_verified() -> None:
    result = VerificationResult(kind="credential", checks=[])
    assert result.verified is False
    assert result.to_vc_api()["verified"] is False


def test_warnings_do_not_fail_but_a_failure_does() -> None:
    ok = VerificationResult(kind="credential", checks=[_check("proof"), _check("x", "warning")])
    assert ok.verified
    bad = VerificationResult(kind="credential", checks=[_check("proof"), _check("x", "failed")])
    assert not bad.verified


def test_a_presentation_needs_every_credential_verified() -> None:
    good = VerificationResult(kind="credential", checks=[_check("proof")])
    bad = VerificationResult(kind="credential", checks=[_check("proof", "failed")])
    presentation = VerificationResult(
        kind="presentation", checks=[_check("proof")], credentials=[good, bad]
    )
    assert not presentation.verified
    presentation.credentials.pop()
    assert presentation.verified


def test_verified_is_part_of_the_dump() -> None:
    result = VerificationResult(kind="credential", checks=[_check("proof")])
    assert result.model_dump()["verified"] is True


def test_vc_api_body_has_current_and_legacy_shapes() -> None:
    result = VerificationResult(
        kind="credential",
        checks=[
            _check("shape"),
            _check("proof", input=PROOF),
            _check("proof", "failed", input={"other": 1}, title="Invalid signature"),
            _check("validFrom", input="2024-01-01T00:00:00Z"),
            _check("credentialStatus", "failed", input=ENTRY, value=1, problem_type="urn:x"),
            _check("credentialSchema", "warning", input={"id": "https://s"}),
        ],
        document={"id": "urn:1"},
    )
    body = result.to_vc_api()
    assert body["verified"] is False
    assert body["checks"] == ["shape", "validFrom"]
    assert body["errors"] == ["proof", "credentialStatus"]
    assert body["warnings"] == ["credentialSchema"]
    assert body["problemDetails"] == [
        {
            "type": "urn:ler-issuer:problem:proof",
            "title": "Invalid signature",
            "detail": "proof failed.",
        },
        {
            "type": "urn:x",
            "title": "credentialStatus: check failed",
            "detail": "credentialStatus failed.",
        },
        {
            "type": "urn:ler-issuer:problem:credentialSchema",
            "title": "credentialSchema: warning",
            "detail": "credentialSchema warning.",
        },
    ]
    assert body["results"] == {
        "validFrom": {"verified": True, "input": "2024-01-01T00:00:00Z"},
        "credentialStatus": [{"verified": False, "input": ENTRY, "value": 1}],
        "credentialSchema": [{"verified": False, "input": {"id": "https://s"}}],
        "proof": [{"verified": True, "input": PROOF}, {"verified": False, "input": {"other": 1}}],
    }
    assert "credential" not in body
    assert result.to_vc_api(include_document=True)["credential"] == {"id": "urn:1"}


def test_presentation_body_nests_credentials() -> None:
    credential = VerificationResult(
        kind="credential", checks=[_check("proof", input=PROOF)], document={"id": "urn:c"}
    )
    presentation = VerificationResult(
        kind="presentation",
        checks=[
            _check("proof", input=PROOF),
            _check("challenge", input="abc"),
            _check("credentials"),
        ],
        credentials=[credential],
        document={"type": "VerifiablePresentation"},
    )
    body = presentation.to_vc_api(include_document=True)
    assert body["verified"] is True
    assert body["verifiablePresentation"] == {"type": "VerifiablePresentation"}
    assert body["results"]["presentation"] == {
        "proof": [{"verified": True, "input": PROOF, "problemDetails": []}],
        "challenge": {"verified": True, "input": "abc"},
    }
    [nested] = body["results"]["credentials"]
    assert nested["verified"] is True
    assert nested["credential"] == {"id": "urn:c"}
    assert nested["results"] == {"proof": [{"verified": True, "input": PROOF}]}
