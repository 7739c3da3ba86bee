"""Markdown to HTML for pages (CommonMark by markdown-it-py): raw HTML is escaped, links are
kept only when they are http(s), relative or fragments."""

from markdown_it import MarkdownIt
from markupsafe import Markup

from issuer.wallet.describe import link_url


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    return parser


def _safe_link(url: str) -> bool:
    target = url.strip()
    relative = target.startswith(("/", "#", "?")) and not target.startswith("//")
    if relative and "\\" not in target:
        return True
    return link_url(target) is not None


_PARSER = _parser()


def markdown(text: str | None) -> Markup:
    """Return `text` (Markdown) as HTML blocks; raw HTML in it is shown as text."""
    return Markup(_PARSER.render(text or ""))


def markdown_inline(text: str | None) -> Markup:
    """Return one line of Markdown as inline HTML (no paragraph)."""
    return Markup(_PARSER.renderInline(text or ""))
