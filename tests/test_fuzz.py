"""A short pass of `scripts/fuzz`: schemathesis against the live service on SQLite, no 5xx."""

from tests.fuzzing import fuzz, running_service

REQUESTS = 400


def test_a_short_fuzz_run_gets_no_server_error() -> None:
    with running_service() as service:
        report = fuzz(service.url, service.token, requests_wanted=REQUESTS, seed=9)
    print(report.summary())
    assert report.requests >= REQUESTS * 0.9, report.summary()
    assert not report.server_errors, report.summary()
    assert not report.transport_errors, report.summary()
    assert len(report.statuses) >= 4  # 200, 400, 401, 404, 422...: the routes were reached
