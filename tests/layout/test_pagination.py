"""{% pagination %}: links to the pages before and after, keeping the list's own parameters,
in the reader's language; nothing at all for a list that fits on one page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory
from django.utils import translation


def draw(number: int, *, query: str = "", page_query: QueryDict | None = None) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    page = Paginator(list(range(120)), 50).get_page(number)
    context = {"request": request, "page": page}
    if page_query is not None:
        context["page_query"] = page_query
    return engines["django"].from_string("{% pagination %}").render(context)


def test_a_middle_page_links_both_ways_keeping_the_request_s_parameters() -> None:
    html = draw(2, query="q=s%C3%A3o+paulo&sort=name&page=2")
    assert '<nav aria-label="Pages" class="pagination">' in html
    assert '<a href="?q=s%C3%A3o+paulo&amp;sort=name&amp;page=1">Previous page</a>' in html
    assert '<a href="?q=s%C3%A3o+paulo&amp;sort=name&amp;page=3">Next page</a>' in html
    assert "<span>Page 2 of 3</span>" in html


def test_the_first_and_last_pages_link_one_way_only() -> None:
    first, last = draw(1), draw(3)
    assert "Previous page" not in first and '<a href="?page=2">Next page</a>' in first
    assert "Next page" not in last and '<a href="?page=2">Previous page</a>' in last


def test_only_the_parameters_the_list_keeps_are_carried() -> None:
    html = draw(2, query="junk=%3Cscript%3E&level=gold", page_query=QueryDict("level=gold"))
    assert '<a href="?level=gold&amp;page=3">Next page</a>' in html
    assert "junk" not in html and "script" not in html


def test_a_list_on_one_page_has_no_links() -> None:
    request = RequestFactory().get("/list/")
    page = Paginator([1, 2], 50).get_page(1)
    rendered = engines["django"].from_string("{% pagination %}")
    assert rendered.render({"request": request, "page": page}).strip() == ""
    assert rendered.render({"request": request}).strip() == ""


def test_it_speaks_the_reader_s_language() -> None:
    with translation.override("es"):
        html = draw(2)
    assert "Página 2 de 3" in html and "Página siguiente" in html
