"""/docs renders the operations' Markdown; raw HTML and unsafe links stay text."""

from flask.testing import FlaskClient

from issuer.web.markdown import markdown, markdown_inline


def test_docs_renders_markdown(client: FlaskClient) -> None:
    html = client.get("/docs").get_data(as_text=True)
    assert "`skills`" not in html
    assert "<code>skills</code> is the skills profile" in html
    assert "<code>POST /presentations/verify</code>" in html


def test_raw_html_is_escaped_and_only_safe_links_are_links() -> None:
    rendered = str(markdown("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](/docs)"))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert 'href="javascript' not in rendered.lower()
    assert '<a href="/docs">y</a>' in rendered
    assert str(markdown_inline("**a** `b`")) == "<strong>a</strong> <code>b</code>"
    assert '<a href="https://example.org/">e</a>' in str(markdown("[e](https://example.org/)"))
