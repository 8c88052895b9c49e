"""Assigning reviewers to cities (program admins)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citycert.accounts import policy
from citycert.accounts.models import ProgramRole, User
from citycert.accounts.policy import Action
from citycert.cities.models import City

from .forms import AssignReviewerForm
from .models import Assignment


@login_required
@require_POST
def assign(request: HttpRequest, slug: str) -> HttpResponse:
    policy.authorize(request.user, Action.ASSIGN_REVIEWERS)
    city = get_object_or_404(City, slug=slug)
    form = AssignReviewerForm(
        request.POST, reviewers=User.objects.filter(program_roles__role=ProgramRole.Role.REVIEWER)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the list."))
    else:
        reviewer = form.cleaned_data["reviewer"]
        try:
            with transaction.atomic():
                Assignment.objects.create(
                    city=city, reviewer=reviewer, assigned_by=cast(User, request.user)
                )
            messages.success(
                request,
                _("%(reviewer)s now reviews %(city)s.") % {"reviewer": reviewer, "city": city.name},
            )
        except IntegrityError:
            messages.info(
                request, _("%(reviewer)s already reviews this city.") % {"reviewer": reviewer}
            )
    return redirect("cities:registry_detail", city.slug)


@login_required
@require_POST
def unassign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.ASSIGN_REVIEWERS)
    assignment = get_object_or_404(Assignment, pk=pk, city__slug=slug)
    assignment.delete()
    messages.success(
        request,
        _("%(reviewer)s no longer reviews %(city)s.")
        % {"reviewer": assignment.reviewer, "city": assignment.city.name},
    )
    return redirect("cities:registry_detail", slug)
