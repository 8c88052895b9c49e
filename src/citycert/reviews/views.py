"""The certification team: reviewers assigned to cities, the review queue, declarations of
conflicts of interest, validation, decisions and publishing cohorts."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.models import ProgramRole, User
from citycert.accounts.policy import Action
from citycert.assessments.models import Answer, Assessment
from citycert.cities.models import City
from citycert.standards.models import Level
from citycert.web import current_user

from . import queries, services
from .forms import AssignReviewerForm
from .history import HistoryError, publish_cohort
from .models import Assignment, Certification, Cohort, Interaction, Validation


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


# The review queue and the work on one assessment ------------------------------------------


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    older_than = request.GET.get("older_than", "")
    items = queries.review_queue(
        state=request.GET.get("state", ""),
        standard=request.GET.get("standard", ""),
        country=request.GET.get("country", ""),
        older_than=int(older_than) if older_than.isdigit() else None,
    )
    now = timezone.now()
    rows = [
        {
            "assessment": a,
            "age": (now - a.submitted_at).days if a.submitted_at else None,
            "overdue": any(c.due_on < now.date() for c in a.open_clarifications),
            "waiting": bool(a.open_clarifications),
        }
        for a in items
    ]
    reviewers = User.objects.filter(program_roles__role=ProgramRole.Role.REVIEWER).order_by("email")
    return render(
        request,
        "reviews/queue.html",
        {
            "rows": rows,
            "reviewers": reviewers,
            "states": Assessment.State.choices,
            "filters": request.GET,
        },
    )


@login_required
@require_POST
def assign_to_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment, pk=pk)
    reviewer = User.objects.filter(pk=request.POST.get("reviewer") or 0).first()
    if reviewer is None:
        messages.error(request, _("Choose a reviewer from the list."))
    else:
        try:
            services.assign_reviewer(assessment, reviewer, current_user(request))
            messages.success(
                request,
                _("%(reviewer)s now reviews %(city)s.")
                % {"reviewer": reviewer, "city": assessment.city.name},
            )
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    return redirect("reviews:queue")


def _review_city(request: HttpRequest, slug: str, action: Action) -> tuple[City, Assessment]:
    city = get_object_or_404(City, slug=slug)
    policy.authorize(request.user, action, city)
    assessment = queries.assessment_under_review(city)
    if assessment is None:
        raise Http404("No assessment in review")
    return city, assessment


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, slug: str) -> HttpResponse:
    """Before seeing the assessment, the reviewer declares any conflict of interest."""
    city = get_object_or_404(City, slug=slug)
    policy.authorize(request.user, Action.DECLARE_CONFLICT, city)
    assignment = Assignment.objects.filter(
        city=city, reviewer=current_user(request), conflict__isnull=True
    ).first()
    if assignment is None:
        return redirect("reviews:review", city.slug)
    if request.method == "POST":
        try:
            services.declare(
                assignment,
                conflict=request.POST.get("conflict") == "yes",
                note=request.POST.get("note", ""),
            )
            if assignment.conflict:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest is recorded; "
                        "the program will assign someone else."
                    ),
                )
                return redirect("accounts:dashboard")
            return redirect("reviews:review", city.slug)
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    return render(request, "reviews/declare.html", {"city": city})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """A reviewer's verdict on every claimed criterion; the level on validated criteria only."""
    city, assessment = _review_city(request, slug, Action.VALIDATE)
    if request.method == "POST":
        verdicts = {
            code: (request.POST.get(f"verdict-{code}", ""), request.POST.get(f"comment-{code}", ""))
            for code in request.POST.getlist("code")
            if request.POST.get(f"verdict-{code}")
        }
        try:
            count = services.validate(assessment, current_user(request), verdicts)
            messages.success(request, _("%(n)s verdicts saved.") % {"n": count})
            return redirect("reviews:review", city.slug)
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    level, points = services.computed_level(assessment)
    mine = {
        v.answer_id: v
        for v in Validation.objects.filter(
            answer__assessment=assessment, reviewer=current_user(request), settled=False
        )
    }
    rows = [(s, mine.get(s.answer.pk)) for s in services.standings(assessment)]
    return render(
        request,
        "reviews/review.html",
        {
            "city": city,
            "assessment": assessment,
            "rows": rows,
            "level": level,
            "points": points,
            "verdicts": Validation.Verdict.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The admin settles disagreements and records the decision."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment.objects.select_related("city", "standard"), pk=pk)
    if request.method == "POST" and request.POST.get("settle"):
        answer = get_object_or_404(Answer, pk=request.POST["settle"], assessment=assessment)
        try:
            services.settle(
                answer,
                request.POST.get("verdict", ""),
                current_user(request),
                request.POST.get("comment", ""),
            )
            messages.success(request, _("%(code)s is settled.") % {"code": answer.criterion.code})
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        return redirect("reviews:decide", assessment.pk)
    if request.method == "POST":
        try:
            services.decide(
                assessment,
                level=request.POST.get("level", ""),
                rationale=request.POST.get("rationale", ""),
                difference_reason=request.POST.get("difference_reason", ""),
                cohort_label=request.POST.get("cohort", "").strip(),
                by=current_user(request),
            )
            messages.success(
                request, _("The decision on %(city)s is recorded.") % {"city": assessment.city.name}
            )
            return redirect("reviews:queue")
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    level, points = services.computed_level(assessment)
    standings = services.standings(assessment)
    return render(
        request,
        "reviews/decide.html",
        {
            "assessment": assessment,
            "computed": level,
            "points": points,
            "disagreements": [s for s in standings if s.disagreement],
            "standings": standings,
            "verdicts": Validation.Verdict.choices,
            "levels": Level.choices,
            "form": request.POST,
            "clarifications": assessment.clarifications.prefetch_related("criteria"),
            "interactions": assessment.interactions.prefetch_related("criteria"),
            "codes": list(
                assessment.standard.criteria.order_by("position").values_list("code", flat=True)
            ),
            "kinds": Interaction.Kind.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request: HttpRequest) -> HttpResponse:
    """Cohorts in preparation, and publishing one."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    if request.method == "POST":
        cohort = get_object_or_404(Cohort, pk=request.POST.get("cohort") or 0)
        try:
            publish_cohort(cohort)
            messages.success(request, _("Cohort %(label)s is published.") % {"label": cohort.label})
        except HistoryError as exc:
            for error in exc.errors:
                messages.error(request, error)
        return redirect("reviews:cohorts")
    pending = Cohort.objects.filter(published_at__isnull=True).prefetch_related(
        Prefetch("certifications", Certification.objects.select_related("city"))
    )
    return render(request, "reviews/cohorts.html", {"pending": pending})


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def clarify(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment, pk=pk)
    due = _date(request.POST.get("due_on", ""))
    if due is None:
        messages.error(request, _("Give the due date as a date."))
    else:
        try:
            services.request_clarification(
                assessment,
                request.POST.getlist("codes"),
                request.POST.get("message", ""),
                due,
                current_user(request),
            )
            messages.success(request, _("The clarification is sent to the city."))
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    return redirect("reviews:decide", assessment.pk)


@login_required
@require_POST
def record_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment, pk=pk)
    held_on = _date(request.POST.get("held_on", ""))
    if held_on is None:
        messages.error(request, _("Give the date of the interview or visit."))
    else:
        try:
            services.record_interaction(
                assessment,
                kind=request.POST.get("kind", ""),
                held_on=held_on,
                place=request.POST.get("place", ""),
                people_met=request.POST.get("people_met", ""),
                notes=request.POST.get("notes", ""),
                codes=request.POST.getlist("codes"),
                by=current_user(request),
            )
            messages.success(request, _("The interview or visit is recorded."))
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    return redirect("reviews:decide", assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a published certification with a superseding record."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    certification = get_object_or_404(Certification.objects.select_related("city", "cohort"), pk=pk)
    if request.method == "POST":
        try:
            services.correct(
                certification,
                level=request.POST.get("level", ""),
                reason=request.POST.get("reason", ""),
                by=current_user(request),
            )
            messages.success(
                request,
                _("The certification of %(city)s is corrected.")
                % {"city": certification.city.name},
            )
            return redirect("public:cohort", certification.cohort.label)
        except services.ReviewError as exc:
            messages.error(request, str(exc))
    return render(
        request, "reviews/correct.html", {"certification": certification, "levels": Level.choices}
    )
