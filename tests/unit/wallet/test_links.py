"""Only absolute http: and https: URLs from credentials become links; the rest is text."""

from typing import Any

import pytest

from issuer.wallet.describe import describe_achievement, link_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "https://www.onetonline.org/link/summary/43-4171.00",
            "https://www.onetonline.org/link/summary/43-4171.00",
        ),
        ("http://example.org/x?y=1#z", "http://example.org/x?y=1#z"),
        ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
        ("  https://example.org/a\n", "https://example.org/a"),
        ("https://exam\tple.org/", "https://example.org/"),
    ],
)
def test_http_and_https_urls_are_links(value: str, expected: str) -> None:
    assert link_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        " \x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "mailto:someone@example.org",
        "//evil.example/x",
        "/frameworks/x",
        "https:evil.example",
        "http:/x",
        "https://[not-an-ip",
        "",
        None,
        42,
        ["https://example.org"],
    ],
)
def test_anything_else_is_not_a_link(value: Any) -> None:
    assert link_url(value) is None


def test_an_alignment_with_a_javascript_url_keeps_its_name_but_no_url() -> None:
    view = describe_achievement(
        {
            "name": "A",
            "alignment": [
                {
                    "targetType": "ext:ONetSocOccupation",
                    "targetName": "Clerks",
                    "targetUrl": "javascript:alert(1)",
                },
                {
                    "targetType": "ext:CompetencyStatement",
                    "targetName": "Greeting",
                    "targetUrl": "https://example.org/s/1",
                },
            ],
        }
    )
    assert (view.alignments[0].name, view.alignments[0].url) == ("Clerks", None)
    assert view.statements[0].url == "https://example.org/s/1"
