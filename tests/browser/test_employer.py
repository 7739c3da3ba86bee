"""In a real browser: the employer's skills profile and holder check, the verify page at 390 px,
pages for frameworks, levels, statements and the issuer, and /docs."""

import json
from pathlib import Path
from typing import Any

import pytest

from issuer.wallet.presentation import build_presentation
from tests.browser.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

FRAMEWORK = "43-4171.00-v.26.05"


def issue(server: LiveServer, *args: str) -> dict[str, Any]:
    """Issue with the CLI; return its JSON output ({credentials, wallet})."""
    result = server.cli("issue", "-f", FRAMEWORK, "--email", "ana@example.org", "--json", *args)
    assert result.exit_code == 0, result.output
    output: dict[str, Any] = json.loads(result.output)
    return output


def presentation_file(server: LiveServer, folder: Path) -> Path:
    """A presentation of the Emerging level and one Proficient statement, as a file."""
    credentials = [
        *issue(server, "--level", "emerging", "--name", "Ana Learner")["credentials"],
        *issue(server, "--statement", "proficient-01")["credentials"],
    ]
    path = folder / "presentation.json"
    path.write_text(
        json.dumps(build_presentation(credentials, presentation_id="urn:uuid:employer")),
        encoding="utf-8",
    )
    return path


def test_skills_profile_target_and_holder_check(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    path = presentation_file(server, tmp_path)
    page.goto(f"{server.url}/verify")
    page.get_by_label("Credential file").set_input_files(str(path))
    section = page.locator("form").filter(has=page.get_by_label("Credential file"))
    section.get_by_text("Check against a candidate (optional)").click()
    section.get_by_label("Candidate’s email (optional)").fill("ana@example.org")
    section.get_by_label("Target level (optional)").select_option(
        label="Receptionists and Information Clerks, Proficient"
    )
    screenshot(page, "employer-01-verify-with-candidate")
    page.get_by_role("button", name="Verify the file").click()
    page.get_by_role("heading", name="Skills profile").wait_for()
    assert "Verified" in page.locator("#verdict").inner_text()
    matrix = page.locator("table.matrix")
    rows = [row.inner_text().split("\t") for row in matrix.locator("tbody tr").all()]
    assert [r[0] for r in rows] == ["Emerging", "Developing", "Proficient", "Advanced"]
    assert rows[0][1].startswith("10 of 10") and "Complete" in rows[0][2]
    assert rows[2][1].startswith("1 of 10")
    facts = page.locator(".skills-framework dl.facts").inner_text()
    assert "O*NET-SOC 43-4171.00" in facts and "Emerging" in facts
    target = page.get_by_role(
        "heading", name="Target: Receptionists and Information Clerks, Proficient"
    )
    target.wait_for()
    assert "1 of 10 statements met" in page.locator(".skills").inner_text()
    holder = page.get_by_role("region", name="Is it the candidate’s?")
    assert "Every verified credential was issued to ana@example.org" in holder.inner_text()
    screenshot(page, "employer-02-skills-profile")

    # check again with someone else's address: the same credentials, another answer
    again = page.locator("form").filter(has=page.get_by_role("button", name="Check again"))
    again.get_by_label("Candidate’s email (optional)").fill("ben@example.org")
    again.get_by_role("button", name="Check again").click()
    page.get_by_role("heading", name="Is it the candidate’s?").wait_for()
    assert "No verified credential names ben@example.org" in page.locator("main").inner_text()
    screenshot(page, "employer-03-holder-mismatch")


def test_several_files_and_a_revoked_one_shown_apart(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    credentials = issue(server, "--level", "developing")["credentials"]
    revoked = credentials[0]
    assert server.cli("revoke", revoked["id"]).exit_code == 0
    files = []
    for number, credential in enumerate(credentials[:3], start=1):
        path = tmp_path / f"credential-{number}.json"
        path.write_text(json.dumps(credential), encoding="utf-8")
        files.append(str(path))
    page.goto(f"{server.url}/verify")
    page.get_by_label("Credential file").set_input_files(files)
    page.get_by_role("button", name="Verify the file").click()
    page.get_by_role("heading", name="Skills profile").wait_for()
    assert "Not verified" in page.locator("#verdict").inner_text()
    text = page.locator(".skills").inner_text()
    assert "Not counted" in text and "revoked" in text
    assert page.locator("ul.statements li.apart").count() == 1
    assert (
        page.locator("table.matrix tbody tr")
        .nth(1)
        .inner_text()
        .split("\t")[1]
        .startswith("2 of 10")
    )
    screenshot(page, "employer-04-several-files-one-revoked")


def test_the_verify_page_fits_390_px(browser: Any, live_server: LiveServer, tmp_path: Path) -> None:
    server = live_server
    path = presentation_file(server, tmp_path)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/verify")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        page.get_by_label("Credential file").set_input_files(str(path))
        page.get_by_role("button", name="Verify the file").click()
        page.get_by_role("heading", name="Skills profile").wait_for()
        for details in page.locator("details").all():
            details.locator("summary").first.click()  # open every fold: the widest content
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        screenshot(page, "employer-05-verify-390px")
        page.goto(f"{server.url}/issuer")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        screenshot(page, "employer-06-issuer-390px")
    finally:
        context.close()


def test_pages_for_frameworks_levels_statements_and_the_issuer(
    page: Any, live_server: LiveServer
) -> None:
    server = live_server
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="What this issuer awards").click()
    page.get_by_role("heading", name="Skills frameworks").wait_for()
    screenshot(page, "employer-07-issuer-page")
    page.get_by_role(
        "link", name="Receptionists and Information Clerks skills framework v.26.05"
    ).click()
    page.get_by_role("heading", name="Level 3: Proficient").wait_for()
    screenshot(page, "employer-08-framework-page")
    page.get_by_role("link", name="Proficient", exact=True).click()
    page.get_by_role("heading", name="How to earn it").wait_for()
    assert page.locator("main strong", has_text="Proficient").count() >= 1  # Markdown rendered
    screenshot(page, "employer-09-level-page")
    page.locator("main .markdown a").first.click()
    page.get_by_role("heading", name="How to earn it").wait_for()
    assert "Competency statement" in page.locator("main").inner_text()
    screenshot(page, "employer-10-statement-page")
    # the same URL answers JSON to a program
    response = page.request.get(page.url, headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["type"] == ["Achievement"]


def test_docs_renders_markdown(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/docs")
    page.get_by_role("heading", name="API documentation").wait_for()
    assert page.locator("main code", has_text="skills").count() >= 1
    assert "`skills`" not in page.locator("main").inner_text()
    screenshot(page, "employer-11-docs")
