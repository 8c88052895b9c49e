"""Pages anyone can read, and the public data."""

from __future__ import annotations

import json
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citycert.accounts.policy import Action
from citycert.reviews import queries as certifications
from citycert.standards.models import StandardVersion, level_name
from citycert.templatetags.layout import pagination_links
from citycert.visitor_pages import render_for_visitors
from citycert.web import authorized_city, current_user

from . import badge as badges
from . import charts, geo, opendata, queries, services
from .cache import dont_keep, known_query, public_response
from .forms import DirectoryForm, ProfileForm
from .models import Profile
from .rows import directory_caption, directory_rows

PER_PAGE = 50


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    return redirect(static("citycert/favicon.svg"), permanent=True)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    current = StandardVersion.objects.filter(status=StandardVersion.Status.CURRENT).first()
    return render(request, "public/home.html", {"current": current})


@require_safe
@public_response()
def cohorts(request: HttpRequest) -> HttpResponse:
    published = sorted(certifications.published_cohorts(), key=lambda c: c.sort_key, reverse=True)
    return render(request, "public/cohorts.html", {"cohorts": published})


@require_safe
@public_response()
def cohort(request: HttpRequest, label: str) -> HttpResponse:
    summary = certifications.cohort_summary(certifications.published_cohort(label))
    listed = queries.listed_slugs(c.city_id for c in summary["certifications"])
    return render(request, "public/cohort.html", {**summary, "listed": listed})


@require_safe
@public_response(shared=True)
def cohort_json(request: HttpRequest, label: str) -> JsonResponse:
    data = certifications.cohort_json(certifications.published_cohort(label))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public open data
    return response


#: The query parameters the directory and the map read (the directory also reads `page`).
FILTERS = ("q", "level", "country", "region", "standard", "year", "sort")


def _filters(request: HttpRequest) -> tuple[DirectoryForm, queries.DirectoryQuery]:
    form = DirectoryForm(request.GET or None, queries.facets())
    if form.is_bound:
        form.is_valid()
    return form, form.query()


def _worth_keeping(form: DirectoryForm, query: queries.DirectoryQuery, found: int) -> bool:
    """Filters that validated, and a search that found something: only then is a response
    kept in the cache (see public/cache.py)."""
    return not form.errors and (found > 0 or not query.q)


@require_safe
@public_response(params=(*FILTERS, "page"))
def directory(request: HttpRequest) -> HttpResponse:
    form, query = _filters(request)
    # Only the columns a row shows (not the story and strengths a profile needs), as tuples.
    page = Paginator(queries.DirectoryRows(query), PER_PAGE).get_page(request.GET.get("page"))
    everything = known_query(request, FILTERS, bounded=False) or ""
    filters = QueryDict(everything)
    # Every part that changes with the request, escaped here; the rest of the page is the same
    # for every visitor and drawn once per language (visitor_pages.py).
    response = render_for_visitors(
        request,
        "public/directory.html",
        {
            "map_query": f"?{escape(everything)}" if everything else "",
            "filter_form": form.as_filters(show_sort=True, clear_url=request.path),
            "caption": directory_caption(page.paginator.count, _is_filtered(query)),
            "rows": directory_rows(
                page,
                queries.found_by_region(query.q, page),
                reverse("public:profile", args=["-"]).removesuffix("-/"),
            ),
            "pages": pagination_links(page, filters),
        },
    )
    asked = request.GET.get("page", "").strip()
    if not _worth_keeping(form, query, page.paginator.count) or asked not in ("", str(page.number)):
        dont_keep(response)
    return response


def _map_points(query: queries.DirectoryQuery) -> list[geo.MapPoint]:
    # Thousands of cities: plain tuples, and each country's name and each address built once.
    profile = reverse("public:profile", args=["-"]).removesuffix("-/")
    names: dict[str, str] = {}
    rows = []
    for name, slug, area, country, latitude, longitude, level in queries.listings(
        query
    ).values_list("name", "slug", "admin_area", "country", "latitude", "longitude", "level"):
        country_name = names.get(country) or names.setdefault(
            country, queries.country_name(country)
        )
        rows.append(
            geo.MapPoint(
                name=name,
                region=f"{area}, {country_name}" if area else country_name,
                latitude=latitude,
                longitude=longitude,
                level=cast(geo.LevelCode, level or "unknown"),
                href=f"{profile}{slug}/",
            )
        )
    return rows


def _is_filtered(query: queries.DirectoryQuery) -> bool:
    return any(v for k, v in vars(query).items() if k != "sort")


@require_safe
@public_response(params=(*FILTERS, "page"))
def map_page(request: HttpRequest) -> HttpResponse:
    """The map (an image at its own address, drawn once per public revision and filters) and
    the same cities in a table, a page at a time: the page stays small at thousands of cities."""
    form, query = _filters(request)
    page = Paginator(queries.DirectoryRows(query), PER_PAGE).get_page(request.GET.get("page"))
    filters = QueryDict(known_query(request, FILTERS, bounded=False))
    response = render(
        request,
        "public/map.html",
        {
            "form": form,
            "filter_form": form.as_filters(show_sort=False, clear_url=request.path),
            "page": page,
            "page_query": filters,
            "filters": filters.urlencode(),
            "filtered": _is_filtered(query),
            "profiles": reverse("public:profile", args=["-"]).removesuffix("-/"),
            "map_height": geo.map_height(),
        },
    )
    asked = request.GET.get("page", "").strip()
    if not _worth_keeping(form, query, page.paginator.count) or asked not in ("", str(page.number)):
        dont_keep(response)
    return response


@require_safe
@public_response(shared=True, params=FILTERS)
def map_svg(request: HttpRequest) -> HttpResponse:
    """The map of the cities the filters find, as an SVG image: the same for everyone, kept by
    browsers and CDNs like a badge."""
    form, query = _filters(request)
    rows = _map_points(query)
    svg = geo.render_map(
        rows,
        title=_("Map of certified cities"),
        description=_("Each certified city is marked by the shape and colour of its level."),
        fit=_is_filtered(query),
        link=False,
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    return response if _worth_keeping(form, query, len(rows)) else dont_keep(response)


@require_safe
@public_response()
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    row = queries.listing(slug)
    return render(
        request,
        "public/profile.html",
        {
            "row": row,
            "country": queries.country_name(row.country),
            "events": queries.history(row),
            "status": row.status(),
            "embed": badges.embed_code(row, request, badges.page_language()),
            "badge_src": badges.badge_path(row.slug, badges.page_language()),
        },
    )


@require_safe
@public_response()
def stats(request: HttpRequest) -> HttpResponse:
    data = queries.statistics()
    labels = [c["label"] for c in data.cohorts]
    level_names = {lvl: level_name(lvl) for lvl in ("platinum", "gold", "silver", "")}
    over_time = charts.column_chart(
        labels,
        [charts.Series(_("Cities certified to date"), [c["to_date"] for c in data.cohorts])],
        title=_("Cities certified to date, by announcement"),
        description=_("The number of cities certified so far, after each announcement."),
        x_label=_("Announcement"),
        y_label=_("Cities"),
    )
    by_level = charts.bar_chart(
        [
            charts.Bar(level_names[lvl], n, cast(charts.ChartStyle, lvl or "other"))
            for lvl, n in data.by_level
        ],
        title=_("Certified cities by current level"),
        description=_("How many certified cities hold each level now."),
        value_label=_("Cities"),
    )
    by_country = charts.bar_chart(
        [charts.Bar(name, n) for _code, name, n in data.by_country],
        title=_("Certified cities by country"),
        description=_("How many certified cities each country has."),
        value_label=_("Cities"),
    )
    kinds = charts.column_chart(
        labels,
        [
            charts.Series(_("First certification"), [c["new"] for c in data.cohorts]),
            charts.Series(
                _("Re-certification or change of level"),
                [c["total"] - c["new"] for c in data.cohorts],
                "other",
            ),
        ],
        title=_("First-time and repeat certifications, by announcement"),
        description=_(
            "For each announcement, the cities certified for the first time and the others."
        ),
        x_label=_("Announcement"),
        y_label=_("Certifications"),
    )
    return render(
        request,
        "public/stats.html",
        {
            "data": data,
            "over_time": over_time,
            "by_level": by_level,
            "by_country": by_country,
            "kinds": kinds,
        },
    )


def _badge_language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "en")
    return wanted if wanted in dict(settings.LANGUAGES) else "en"


@require_safe
@public_response(shared=True, params=("lang",))
def badge_svg(request: HttpRequest, slug: str) -> HttpResponse:
    row = queries.listing(slug)
    language = _badge_language(request)
    svg = badges.render(row, status=row.status(), language=language)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    # One kept copy per language: an unknown one (shown in English) is made afresh.
    return response if request.GET.get("lang", "en") == language else dont_keep(response)


@require_safe
@public_response(shared=True, params=("lang",))
def badge_shields(request: HttpRequest, slug: str) -> HttpResponse:
    """The badge as a shields.io endpoint, for README files and dashboards that use shields."""
    row = queries.listing(slug)
    language = _badge_language(request)
    data = badges.shields(row, status=row.status(), language=language)
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response if request.GET.get("lang", "en") == language else dont_keep(response)


@require_safe
@public_response(shared=True)
def badge_json(request: HttpRequest, slug: str) -> HttpResponse:
    row = queries.listing(slug)
    data = {
        "city": row.name,
        "slug": row.slug,
        "admin_area": row.admin_area,
        "country": row.country,
        "level": row.level or None,
        "year": row.year,
        "standard": row.standard,
        "awarded_on": row.awarded_on.isoformat() if row.awarded_on else None,
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "status": row.status(),
        "renewal_until": row.renewal_until.isoformat() if row.renewal_until else None,
        "profile_url": request.build_absolute_uri(reverse("public:profile", args=[row.slug])),
        "badge_url": request.build_absolute_uri(reverse("public:badge_svg", args=[row.slug])),
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@public_response()
def data_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/data.html",
        {"datasets": opendata.DATASETS.values(), "formats": list(opendata.FORMATS)},
    )


@require_safe
@public_response(shared=True)
def datapackage(request: HttpRequest) -> HttpResponse:
    """The open data described as a Frictionless Data Package, beside the files it names."""
    descriptor = opendata.datapackage(homepage=request.build_absolute_uri(reverse("public:data")))
    response = HttpResponse(
        json.dumps(descriptor, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@public_response(shared=True)
def data_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    found = opendata.DATASETS.get(dataset)
    if found is None or fmt not in opendata.FORMATS:
        raise Http404("No such dataset")
    body = "".join(opendata.WRITERS[fmt](found))
    response = HttpResponse(body.encode(), content_type=opendata.FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="citycert-{dataset}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, slug: str) -> HttpResponse:
    city = authorized_city(request, slug, Action.EDIT_PUBLIC_PROFILE)
    profile = Profile.objects.filter(city=city).first() or Profile(
        city=city, story_language=get_language() or "en"
    )
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(
                city,
                story=form.cleaned_data["story"],
                story_language=form.cleaned_data["story_language"],
                show_strengths=form.cleaned_data["show_strengths"],
                by=current_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your public profile was saved."))
            return redirect("public:edit_profile", slug=city.slug)
    listed = hasattr(city, "listing")
    return render(
        request,
        "public/edit_profile.html",
        {"city": city, "form": form, "listed": listed},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )
