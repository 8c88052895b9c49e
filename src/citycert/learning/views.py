"""The learning pages: /learn/ (the published resources a person may read, filtered and
searched), one resource, and the pages where partner staff and program admins write, publish
and archive them. Thin: parse with a form, ask who may, call a service, say what happens next."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.assessments.network import is_network_member
from citycert.web import confirmed, current_user

from . import queries, services
from .forms import FilterForm, ResourceForm
from .models import Resource, State

#: Resources on one page of /learn/.
PER_PAGE = 20


@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    members = is_network_member(request.user)
    filters = FilterForm(request.GET or None, version=queries.current_version())
    valid = filters.is_valid() if request.GET else True
    wanted = filters.cleaned_data if request.GET and valid else {}
    found = queries.search(
        request.user,
        queries.Filters(
            version=wanted.get("version") or queries.current_version(),
            criterion=wanted.get("criterion") or "",
            area=wanted.get("area") or "",
            kind=wanted.get("kind") or "",
            language=wanted.get("language") or "",
            q=wanted.get("q") or "",
        ),
        members=members,
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/list.html",
        {
            "page": page,
            "filters": filters,
            "members": members,
            "may_write": queries.may_write(request.user),
        },
        status=200 if valid else 400,
    )


def _readable(request: HttpRequest, pk: int) -> Resource:
    found = queries.readable(request.user, pk)
    if found is None:
        raise Http404("No such resource")
    return found


@require_safe
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _readable(request, pk)
    return render(
        request,
        "learning/detail.html",
        {"resource": resource, "may_edit": queries.may_edit(request.user, resource)},
    )


@login_required
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    """The resources this person may edit, in every state."""
    if not queries.may_write(request.user):
        raise PermissionDenied
    page = Paginator(
        queries.editable(request.user).order_by("state", "-updated_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "learning/manage.html", {"page": page})


def _form(request: HttpRequest, data: Any = None, **kwargs: Any) -> ResourceForm:
    return ResourceForm(
        data,
        organisations=queries.writable_organisations(request.user),
        admin=queries.is_admin(request.user),
        **kwargs,
    )


def _save(request: HttpRequest, form: ResourceForm, resource: Resource | None) -> Resource | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.save(
            resource,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            url=data["url"],
            kind=data["kind"],
            languages=data["languages"],
            organisation=data["organisation"],
            audience=data["audience"],
            criteria=data["criteria"],
            areas=data["areas"],
            by=current_user(request),
        )
    except services.LearningError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if not queries.may_write(request.user):
        raise PermissionDenied
    form = _form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(
                request, _("“%(title)s” is saved as a draft.") % {"title": saved.title}
            )
            return redirect("learning:detail", saved.pk)
    return render(
        request,
        "learning/form.html",
        {"form": form, "resource": None},
        status=400 if form.errors else 200,
    )


def _editable(request: HttpRequest, pk: int) -> Resource:
    """The resource, if this person may edit it: 404 if they may not even read it, else 403."""
    resource = _readable(request, pk)
    if not queries.may_edit(request.user, resource):
        raise PermissionDenied
    return resource


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _editable(request, pk)
    if resource.state == State.ARCHIVED:
        messages.error(request, _("An archived resource cannot be changed."))
        return redirect("learning:detail", resource.pk)
    if request.method == "POST":
        form = _form(request, request.POST)
        if _save(request, form, resource) is not None:
            messages.success(request, _("“%(title)s” is saved.") % {"title": resource.title})
            return redirect("learning:detail", resource.pk)
    else:
        form = _form(request, initial=ResourceForm.initial_for(resource))
    return render(
        request,
        "learning/form.html",
        {"form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _editable(request, pk)
    try:
        services.publish(resource, current_user(request))
        messages.success(request, _("“%(title)s” is published.") % {"title": resource.title})
    except services.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:detail", resource.pk)


@login_required
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archiving asks first: the resource leaves /learn/ and every Learn panel."""
    resource = _editable(request, pk)
    if resource.state == State.ARCHIVED:
        messages.info(request, _("This resource is archived already."))
        return redirect("learning:detail", resource.pk)
    if not confirmed(request):
        return render(
            request,
            "confirm.html",
            {
                "question": _("Archive “%(title)s”?") % {"title": resource.title},
                "consequence": _(
                    "It leaves the list of resources and every Learn panel; its editors still "
                    "see it. An archived resource cannot be published again."
                ),
                "button": _("Archive"),
                "action": request.path,
                "hidden": [],
                "cancel": reverse("learning:detail", args=[resource.pk]),
            },
        )
    try:
        services.archive(resource, current_user(request))
        messages.success(request, _("“%(title)s” is archived.") % {"title": resource.title})
    except services.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:detail", resource.pk)
