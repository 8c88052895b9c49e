"""The certification team's pages: the review queue, reviewers' declarations and verdicts,
decisions, cohorts, corrections, appeals, and the rules of validity and renewal; and the city's
side of a clarification and of an appeal. Views parse input with forms, ask the policy once,
call a service, and say what happens next."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.assessments import evidence_files
from citycert.assessments.models import Answer, Assessment
from citycert.standards.models import StandardVersion
from citycert.web import authorized, city_access, confirmed, current_user

from . import appeals, queries, renewal, rules, services
from .cards import workspace_cards
from .forms import (
    AppealFileForm,
    AppealForm,
    AppealOutcomeForm,
    AssignReviewerForm,
    ClarificationForm,
    CorrectionForm,
    DecisionForm,
    DeclarationForm,
    InteractionForm,
    PanelistForm,
    PublishCohortForm,
    QueueFilterForm,
    RecommendationForm,
    ReplyForm,
    RulesForm,
    SettleForm,
    VerdictsForm,
    reviewers,
)
from .history import HistoryError, publish_cohort
from .models import (
    Appeal,
    AppealFile,
    Assignment,
    Certification,
    Clarification,
    Cohort,
    Interaction,
    Panelist,
    Validation,
)
from .rows import queue_rows


def _form_errors(request: HttpRequest, form: Any) -> None:
    """Each field error as a message naming its field (for forms posted from another page)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)


# The review queue and the work on one assessment ------------------------------------------


#: Assessments on one page of the review queue.
QUEUE_PER_PAGE = 50


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    filters = QueueFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    items = queries.review_queue(
        state=wanted.get("state") or "",
        standard=wanted.get("standard") or "",
        country=wanted.get("country") or "",
        older_than=wanted.get("older_than"),
    )
    # A page at a time: the queue can hold thousands of assessments, each row with its forms.
    page = Paginator(items, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "assessment": a,
            "age": (now - a.submitted_at).days if a.submitted_at else None,
            "overdue": any(c.due_on < now.date() for c in a.open_clarifications),
            "waiting": bool(a.open_clarifications),
        }
        for a in page
    ]
    return render(
        request,
        "reviews/queue.html",
        {
            "rows": rows,
            "row_html": queue_rows(
                rows,
                csrf_token=get_token(request),
                # The same list in every row's form: drawn once, not once per row.
                reviewer_options=render_to_string(
                    "reviews/_reviewer_options.html", {"reviewers": reviewers()}
                ),
            ),
            "page": page,
            "filters": filters,
            "open_appeals": queries.appeals().count(),
        },
        status=400 if filters.errors else 200,
    )


def _in_queue(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.exclude(state=Assessment.State.DRAFT).select_related(
            "city", "standard", "outcome_option"
        ),
        pk=pk,
    )


@login_required
@require_POST
def assign_to_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = _in_queue(pk)
    form = AssignReviewerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:queue")
    reviewer = form.cleaned_data["reviewer"]
    try:
        services.assign_reviewer(assessment, reviewer, current_user(request))
        messages.success(
            request,
            _(
                "%(reviewer)s now reviews %(city)s. They are told by email, and declare any "
                "conflict of interest before they see the assessment."
            )
            % {"reviewer": reviewer, "city": assessment.city.name},
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:queue")


@login_required
@require_POST
def remove_reviewer(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    found = get_object_or_404(
        Assignment.objects.select_related("reviewer", "assessment"), pk=assignment, assessment=pk
    )
    try:
        services.remove_reviewer(found, current_user(request))
        messages.success(
            request,
            _("%(reviewer)s no longer reviews this assessment.") % {"reviewer": found.reviewer},
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:queue")


def _reviewer_assignment(request: HttpRequest, slug: str, action: Action) -> tuple[Any, Assignment]:
    """The city and this reviewer's assignment there (the open review first)."""
    access = authorized(request, slug, action)
    assignment = services.assignment_of(current_user(request), access.city)
    if assignment is None:
        raise Http404("No assessment to review")
    access.require(action, assignment.assessment)
    return access, assignment


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, slug: str) -> HttpResponse:
    """Before seeing the assessment, the reviewer declares any conflict of interest."""
    access = authorized(request, slug, Action.DECLARE_CONFLICT)
    assignment = Assignment.objects.filter(
        assessment__city=access.city,
        assessment__state__in=Assessment.REVIEW_STATES,
        reviewer=current_user(request),
        conflict__isnull=True,
    ).first()
    if assignment is None:
        return redirect("reviews:review", access.city.slug)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare(
                assignment,
                conflict=form.cleaned_data["conflict"] == "yes",
                note=form.cleaned_data["note"],
            )
            policy.forget(request.user)
            if form.cleaned_data["conflict"] == "yes":
                messages.success(
                    request,
                    _(
                        "Your conflict of interest is recorded; "
                        "the program will assign someone else."
                    ),
                )
                return redirect("accounts:dashboard")
            messages.success(
                request,
                _("Thank you. Give your verdict on each claimed criterion below."),
            )
            return redirect("reviews:review", access.city.slug)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "reviews/declare.html",
        {"city": access.city, "form": form, "assessment": assignment.assessment},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """The reviewer's workspace: every criterion with the city's claim and evidence beside the
    reviewer's verdict and comment, filtered on the server, with progress per practice area.
    Saving returns to the criterion saved. Once the assessment is decided, the reviewer reads
    it here and changes nothing."""
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    assignment = services.assignment_of(current_user(request), access.city)
    if assignment is None:
        raise Http404("No assessment to review")
    assessment = assignment.assessment
    if assignment.conflict is not False:
        raise Http404("No assessment to review")
    access.require(Action.VIEW_ASSESSMENT, assessment)
    can_validate = access.can(Action.VALIDATE, assessment)
    show = request.GET.get("show", "all")
    if show not in queries.WORKSPACE_FILTERS:
        show = "all"
    rows = queries.workspace(assessment, current_user(request))
    form = VerdictsForm(request.POST or None, codes=[r.code for r in rows if r.claimed])
    if request.method == "POST":
        access.require(Action.VALIDATE, assessment)
        if form.is_valid():
            try:
                count = services.validate(assessment, current_user(request), form.verdicts())
                messages.success(request, _("%(n)s verdicts saved.") % {"n": count})
                target = reverse("reviews:review", args=[access.city.slug])
                if show != "all":
                    target += f"?show={show}"
                saved = request.POST.get("save", "")
                if saved in form.codes:
                    target += f"#criterion-{saved}"
                return redirect(target)
            except services.ReviewError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _("Choose each verdict from the list."))
    level, points = services.computed_level(assessment)
    shown = [r for r in rows if r.shown_by(show)]
    neighbours = _neighbours(shown)
    claimed = [r for r in rows if r.claimed]
    sections = [
        (group, [(row, *neighbours[row.code]) for row in group.rows])
        for group in queries.by_area(shown)
    ]
    return render(
        request,
        "reviews/review.html",
        {
            "city": access.city,
            "assessment": assessment,
            "sections": sections,
            "cards": workspace_cards(
                sections,
                city_slug=access.city.slug,
                can_validate=can_validate,
                verdicts=Validation.Verdict.choices,
                action=request.get_full_path(),
            ),
            "progress": queries.by_area(claimed),
            "shown": shown,
            "decided": sum(r.decided for r in claimed),
            "claimed": len(claimed),
            "show": show,
            "filters": [
                ("all", _("All criteria")),
                ("claimed", _("Claimed")),
                ("disagreed", _("My verdict differs from the claim")),
                ("clarify", _("Needs clarification")),
            ],
            "level": level,
            "points": points,
            "can_validate": can_validate,
        },
        status=400 if form.errors else 200,
    )


def _neighbours(rows: list[Any]) -> dict[str, tuple[Any, Any]]:
    """Each shown criterion's previous and next shown criterion (None at either end)."""
    return {
        row.code: (rows[i - 1] if i else None, rows[i + 1] if i + 1 < len(rows) else None)
        for i, row in enumerate(rows)
    }


def _criteria(assessment: Assessment) -> Any:
    return assessment.standard.criteria.select_related("area").order_by("position")


def _decision_rows(assessment: Assessment, standings: list[Any]) -> tuple[list[Any], list[Any]]:
    """The reviewers (those who declared no conflict), and each claimed criterion with their
    verdicts side by side: disagreements between reviewers first, then verdicts that differ
    from the city's claim, then criteria a reviewer has still to judge, then the agreed, each
    in the Standard's order. "Agreed" needs every reviewer's verdict (or a settlement)."""
    seats = list(
        Assignment.objects.filter(assessment=assessment, conflict=False).select_related("reviewer")
    )
    rows = []
    for s in standings:
        by_reviewer = {v.reviewer_id: v for v in s.verdicts}
        verdicts = [by_reviewer.get(seat.reviewer_id) for seat in seats]
        given = [v for v in (*s.verdicts, s.settled) if v is not None]
        differs = any(v.verdict != Validation.Verdict.VALIDATED for v in given)
        waiting = s.settled is None and (not verdicts or None in verdicts)
        kind = (
            "reviewers"
            if s.disagreement
            else "claim"
            if differs
            else "waiting"
            if waiting
            else "agreed"
        )
        rows.append({"standing": s, "verdicts": verdicts, "kind": kind})
    order = {"reviewers": 0, "claim": 1, "waiting": 2, "agreed": 3}
    rows.sort(key=lambda row: order[row["kind"]])
    return seats, rows


def _decide_page(
    request: HttpRequest, assessment: Assessment, form: DecisionForm, status: int = 200
) -> HttpResponse:
    level, points = services.computed_level(assessment)
    standings = services.standings(assessment)
    seats, rows = _decision_rows(assessment, standings)
    criteria = list(_criteria(assessment))
    return render(
        request,
        "reviews/decide.html",
        {
            "assessment": assessment,
            "computed": level,
            "points": points,
            "disagreements": [s for s in standings if s.disagreement],
            "to_settle": sum(row["kind"] != "agreed" for row in rows),
            "seats": seats,
            "rows": rows,
            "verdicts": [(v, label) for v, label in Validation.Verdict.choices if v != "clarify"],
            "form": form,
            "clarify_form": ClarificationForm(criteria=criteria, auto_id="cl-%s"),
            "interaction_form": InteractionForm(criteria=criteria, auto_id="i-%s"),
            "clarifications": assessment.clarifications.prefetch_related("criteria"),
            "interactions": assessment.interactions.prefetch_related("criteria"),
            "kinds": Interaction.Kind.choices,
            "today": timezone.localdate(),
            "can_decide": assessment.state in ("in_review", "clarification"),
            "decision": getattr(assessment, "decision", None),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The admin settles disagreements and records the decision."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(
        Assessment.objects.select_related("city", "standard", "outcome_option"), pk=pk
    )
    if request.method == "POST" and "settle" in request.POST:
        settle = SettleForm(request.POST)
        if not settle.is_valid():
            _form_errors(request, settle)
            return redirect("reviews:decide", assessment.pk)
        answer = get_object_or_404(
            Answer.objects.select_related("criterion", "assessment"),
            pk=settle.cleaned_data["settle"],
            assessment=assessment,
        )
        try:
            services.settle(
                answer,
                settle.cleaned_data["verdict"],
                current_user(request),
                settle.cleaned_data["comment"],
            )
            messages.success(request, _("%(code)s is settled.") % {"code": answer.criterion.code})
        except services.ReviewError as exc:
            messages.error(request, str(exc))
        return redirect("reviews:decide", assessment.pk)
    today = timezone.localdate()
    form = DecisionForm(
        request.POST or None,
        labels=services.cohort_choices(today),
        expected=services.next_cohort_label(today),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = services.decide(
                    assessment,
                    level=form.cleaned_data["level"],
                    rationale=form.cleaned_data["rationale"],
                    difference_reason=form.cleaned_data["difference_reason"],
                    cohort_label=form.cleaned_data["cohort"],
                    cohort_reason=form.cleaned_data["cohort_reason"],
                    by=current_user(request),
                )
                messages.success(
                    request,
                    _(
                        "The decision on %(city)s is recorded, and the city is told. It is "
                        "announced when cohort %(cohort)s is published; the city may appeal "
                        "until %(date)s."
                    )
                    % {
                        "city": assessment.city.name,
                        "cohort": decision.cohort,
                        "date": decision.appeal_until,
                    },
                )
                return redirect("reviews:queue")
            except services.ReviewError as exc:
                form.add_error(None, str(exc))
        return _decide_page(request, assessment, form, status=400)
    return _decide_page(request, assessment, form)


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request: HttpRequest) -> HttpResponse:
    """Cohorts in preparation, and publishing one."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    if request.method == "POST":
        form = PublishCohortForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("reviews:cohorts")
        cohort = form.cleaned_data["cohort"]
        if cohort.published_at is not None:  # a second click: the first one published it
            messages.info(
                request, _("Cohort %(label)s is published already.") % {"label": cohort.label}
            )
            return redirect("reviews:cohorts")
        if not confirmed(request):
            return _confirm_publish(request, cohort)
        try:
            publish_cohort(cohort)
            held = cohort.certifications.filter(published_at__isnull=True).count()
            messages.success(
                request,
                _(
                    "Cohort %(label)s is published: its cities are public now, and each is "
                    "told by email."
                )
                % {"label": cohort.label},
            )
            if held:
                messages.info(
                    request,
                    _(
                        "%(n)s decisions that lower a city's level are held back while the "
                        "city's appeal is open; each is published when its appeal is decided."
                    )
                    % {"n": held},
                )
        except HistoryError as exc:
            cohort.refresh_from_db()
            if cohort.published_at is not None:  # published by a request that ran meanwhile
                messages.info(
                    request, _("Cohort %(label)s is published already.") % {"label": cohort.label}
                )
            else:
                for error in exc.errors:
                    messages.error(request, error)
        return redirect("reviews:cohorts")
    pending = Cohort.objects.filter(published_at__isnull=True).prefetch_related(
        Prefetch("certifications", Certification.objects.select_related("city"))
    )
    held = Certification.objects.filter(
        published_at__isnull=True, cohort__published_at__isnull=False
    ).select_related("city", "cohort")
    return render(request, "reviews/cohorts.html", {"pending": pending, "held": held})


def _confirm_publish(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    """What publishing the cohort does, and the button that does it."""
    certifications = list(
        cohort.certifications.filter(superseded_by__isnull=True)
        .select_related("city")
        .order_by("city__name")
    )
    cities = len({c.city_id for c in certifications})
    return render(
        request,
        "confirm.html",
        {
            "question": ngettext(
                "Publish cohort %(label)s with %(n)s city?",
                "Publish cohort %(label)s with %(n)s cities?",
                cities,
            )
            % {"label": cohort.label, "n": cities},
            "consequence": _(
                "Its decisions become public at once, each city is told by email, and the "
                "cohort can no longer be changed. This cannot be undone."
            ),
            "details": [str(c.city) for c in certifications],
            "button": _("Publish %(label)s") % {"label": cohort.label},
            "action": request.path,
            "hidden": [("cohort", cohort.pk)],
            "cancel": reverse("reviews:cohorts"),
        },
    )


@login_required
@require_POST
def clarify(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment.objects.select_related("standard"), pk=pk)
    form = ClarificationForm(request.POST, criteria=_criteria(assessment))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:decide", assessment.pk)
    try:
        services.request_clarification(
            assessment,
            form.cleaned_data["codes"],
            form.cleaned_data["message"],
            form.cleaned_data["due_on"],
            current_user(request),
        )
        messages.success(
            request,
            _(
                "The clarification is sent to the city. Those answers are open to the city "
                "until it replies; you are told by email when it does."
            ),
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:decide", assessment.pk)


@login_required
@require_POST
def record_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = get_object_or_404(Assessment.objects.select_related("standard"), pk=pk)
    form = InteractionForm(request.POST, criteria=_criteria(assessment))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:decide", assessment.pk)
    try:
        services.record_interaction(assessment, by=current_user(request), **form.cleaned_data)
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
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct(
                certification,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                by=current_user(request),
            )
            messages.success(
                request,
                _("The certification of %(city)s is corrected.")
                % {"city": certification.city.name},
            )
            return redirect("public:cohort", certification.cohort.label)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "reviews/correct.html",
        {"certification": certification, "form": form},
        status=400 if form.errors else 200,
    )


# The city's reply to a clarification --------------------------------------------------------


@login_required
@require_POST
def answer_clarification(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead sends the city's answer to a clarification; those answers lock again."""
    access = authorized(request, slug, Action.MANAGE_ASSESSMENT)
    clarification = get_object_or_404(Clarification, pk=pk, assessment__city=access.city)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("assessments:overview", access.city.slug)
    try:
        services.answer_clarification(
            clarification, form.cleaned_data["reply"], current_user(request)
        )
        messages.success(
            request,
            _(
                "Your answer is sent to the certification team, and those answers are locked "
                "again. The team goes on with the review."
            ),
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("assessments:overview", access.city.slug)


# Appeals -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's lead appeals the decision on its latest decided assessment."""
    access = authorized(request, slug, Action.APPEAL)
    assessment = (
        access.city.assessments.filter(state=Assessment.State.DECIDED)
        .select_related("standard", "decision__cohort")
        .order_by("-created_at")
        .first()
    )
    decision = appeals.appealable(assessment) if assessment is not None else None
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and decision is not None and form.is_valid():
        try:
            appeal = appeals.lodge(
                assessment,  # type: ignore[arg-type]
                grounds=form.cleaned_data["grounds"],
                statement=form.cleaned_data["statement"],
                files=[(f, f.name) for f in form.cleaned_data["files"]],
                by=current_user(request),
            )
            messages.success(
                request,
                _(
                    "Your appeal is received. A panel of reviewers who did not review your "
                    "assessment will consider it; you are told by email when it is decided. "
                    "Until then, a decision that lowers your level is not published."
                ),
            )
            return redirect("reviews:appeal", access.city.slug, appeal.pk)
        except evidence_files.EvidenceFileError as exc:
            form.add_error("files", exc.message)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "reviews/appeal_new.html",
        {"city": access.city, "assessment": assessment, "decision": decision, "form": form},
        status=400 if form.errors else 200,
    )


def _appeal(request: HttpRequest, slug: str, pk: int, action: Action) -> tuple[Any, Appeal]:
    access = city_access(request, slug)
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "assessment__city", "assessment__standard", "decision__cohort", "certification"
        ),
        pk=pk,
        assessment__city=access.city,
    )
    access.require(action, appeal)
    return access, appeal


@login_required
@require_safe
def appeal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An appeal as the city, its panel and admins see it."""
    access = city_access(request, slug)
    found = get_object_or_404(Appeal, pk=pk, assessment__city=access.city)
    if access.can(Action.DECLARE_PANEL_CONFLICT, found) and not access.can(
        Action.VIEW_APPEAL, found
    ):
        return redirect("reviews:panel_declare", slug, pk)
    access, found = _appeal(request, slug, pk, Action.VIEW_APPEAL)
    seat = found.panel.filter(reviewer=current_user(request)).first()
    return render(
        request,
        "reviews/appeal.html",
        {
            "city": access.city,
            "appeal": found,
            "panel": found.panel.select_related("reviewer"),
            "files": found.files.all(),
            "seat": seat,
            "recommend_form": RecommendationForm(
                initial={
                    "outcome": seat.recommendation,
                    "level": seat.level or ("none" if seat.recommendation else ""),
                    "comment": seat.comment,
                }
                if seat
                else None
            ),
            "can_recommend": found.is_open and access.can(Action.RECOMMEND, found),
            "can_add_files": found.is_open and access.can(Action.APPEAL),
            "file_form": AppealFileForm(),
            "is_admin": policy.can(request.user, Action.MANAGE_REVIEWS),
        },
    )


@login_required
@require_safe
def appeal_file(request: HttpRequest, slug: str, pk: int, file: int) -> FileResponse:
    _access, found = _appeal(request, slug, pk, Action.VIEW_APPEAL)
    item = get_object_or_404(AppealFile, pk=file, appeal=found)
    return evidence_files.download(item)  # type: ignore[arg-type]


@login_required
@require_POST
def appeal_add_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead adds a supporting file while the appeal is open."""
    access = authorized(request, slug, Action.APPEAL)
    found = get_object_or_404(Appeal, pk=pk, assessment__city=access.city)
    form = AppealFileForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:appeal", slug, pk)
    upload = form.cleaned_data["file"]
    try:
        item = appeals.add_file(found, upload, upload.name, current_user(request))
        messages.success(request, _("%(name)s is added to the appeal.") % {"name": item.name})
    except evidence_files.EvidenceFileError as exc:
        messages.error(request, exc.message)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:appeal", slug, pk)


@login_required
@require_http_methods(["GET", "POST"])
def panel_declare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A panelist declares any conflict of interest before reading the appeal."""
    access, found = _appeal(request, slug, pk, Action.DECLARE_PANEL_CONFLICT)
    seat = get_object_or_404(Panelist, appeal=found, reviewer=current_user(request))
    if seat.conflict is not None:
        return redirect("reviews:appeal", slug, pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict = form.cleaned_data["conflict"] == "yes"
            appeals.declare(seat, conflict=conflict, note=form.cleaned_data["note"])
            policy.forget(request.user)
            if conflict:
                messages.success(
                    request,
                    _("Your conflict of interest is recorded; the program will seat someone else."),
                )
                return redirect("accounts:dashboard")
            messages.success(request, _("Thank you. Read the appeal and give your recommendation."))
            return redirect("reviews:appeal", slug, pk)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "reviews/declare.html",
        {"city": access.city, "form": form, "appeal": found},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def recommend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _access, found = _appeal(request, slug, pk, Action.RECOMMEND)
    seat = get_object_or_404(Panelist, appeal=found, reviewer=current_user(request))
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:appeal", slug, pk)
    try:
        appeals.recommend(seat, **form.cleaned_data)
        messages.success(
            request,
            _("Your recommendation is recorded. A program admin records the panel's outcome."),
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:appeal", slug, pk)


@login_required
@require_safe
def appeal_list(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    return render(
        request,
        "reviews/appeals.html",
        {
            "open": queries.appeals(),
            "decided": queries.appeals(open_only=False).filter(decided_at__isnull=False)[:50],
        },
    )


def _admin_appeal(pk: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.select_related("assessment__city", "assessment__standard", "decision"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_admin(request: HttpRequest, pk: int) -> HttpResponse:
    """The admin forms the panel and records its outcome."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    found = _admin_appeal(pk)
    outcome = AppealOutcomeForm(request.POST or None)
    if request.method == "POST" and outcome.is_valid():
        try:
            appeals.decide(found, by=current_user(request), **outcome.cleaned_data)
            messages.success(
                request,
                _(
                    "The appeal's outcome is recorded and the city is told. Any change of "
                    "level is published as the announcement rules allow."
                ),
            )
            return redirect("reviews:appeal_admin", found.pk)
        except services.ReviewError as exc:
            outcome.add_error(None, str(exc))
    return render(
        request,
        "reviews/appeal_admin.html",
        {
            "appeal": found,
            "panel": found.panel.select_related("reviewer"),
            "files": found.files.all(),
            "panel_form": PanelistForm(appeal=found),
            "outcome_form": outcome,
            "reviewed_by": Assignment.objects.filter(assessment=found.assessment).select_related(
                "reviewer"
            ),
        },
        status=400 if outcome.errors else 200,
    )


@login_required
@require_POST
def add_panelist(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    found = _admin_appeal(pk)
    form = PanelistForm(request.POST, appeal=found)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:appeal_admin", found.pk)
    try:
        appeals.add_panelist(found, form.cleaned_data["reviewer"], current_user(request))
        messages.success(
            request,
            _("%(person)s is on the panel, and is told by email.")
            % {"person": form.cleaned_data["reviewer"]},
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:appeal_admin", found.pk)


# Validity, renewal and appeal windows ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    """How long certifications last, per Standard version, and the windows around them."""
    policy.authorize(request.user, Action.MANAGE_RULES)
    versions = list(StandardVersion.objects.order_by("-effective_from"))
    posted = request.POST.get("standard") if request.method == "POST" else None
    forms = []
    for version in versions:
        current = rules.for_standard(version)
        data = request.POST if posted == version.code else None
        form = RulesForm(
            data,
            prefix=version.code,
            initial={
                "valid_years": current.valid_years,
                "renewal_window_days": current.renewal_window_days,
                "grace_days": current.grace_days,
                "appeal_window_days": current.appeal_window_days,
            },
        )
        if data is not None and form.is_valid():
            rules.save(version, by=current_user(request), **form.cleaned_data)
            messages.success(
                request,
                _(
                    "The rules for the %(version)s Standard are saved. Certifications "
                    "published from now on follow them."
                )
                % {"version": version.code},
            )
            return redirect("reviews:rules")
        forms.append((version, current, form))
    if posted is not None and posted not in {v.code for v in versions}:
        messages.error(request, _("Choose a version of the Standard."))
    failed = any(form.errors for _v, _c, form in forms)
    return render(request, "reviews/rules.html", {"forms": forms}, status=400 if failed else 200)


@login_required
@require_safe
def renewals(request: HttpRequest) -> HttpResponse:
    """Certifications that end within the next 180 days, or ended lately."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    today = timezone.localdate()
    return render(
        request,
        "reviews/renewals.html",
        {"rows": queries.renewals(today), "today": today, "Status": renewal.Status},
    )
