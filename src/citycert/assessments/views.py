"""The city's journey: the data snapshot, then the full assessment with evidence.

Every form posts and works without JavaScript; with it, htmx saves answers as people type and
shows the saved state. Views parse, ask the policy, call services, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts.audit import record_read
from citycert.accounts.policy import Access, Action
from citycert.cities.models import City
from citycert.standards.definitions import packaged
from citycert.standards.queries import scoring_spec
from citycert.texts import localize
from citycert.web import authorized, confirmed, current_user, safe_next, visible_assessment

from . import evidence_files, keeping, panels, queries, scores, services, snapshot, spreadsheet
from .forms import AnswerForm, AssignForm, EvidenceForm, ImportForm, OutcomeForm, SnapshotForm
from .models import Answer, Assessment, Evidence, NetworkMembership, Snapshot

# The data snapshot -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def snapshot_form(request: HttpRequest) -> HttpResponse:
    """Anyone may take the snapshot, before having an account."""
    q = snapshot.questionnaire()
    form = SnapshotForm(request.POST or None, questionnaire=q)
    if request.method == "POST" and form.is_valid():
        taken = Snapshot.objects.create(
            questionnaire=q.code,
            answers={question.key: form.cleaned_data[question.key] for question in q.questions},
            city_name=form.cleaned_data["city_name"],
            person=current_user(request) if request.user.is_authenticated else None,
        )
        keeping.remember(request.session, taken)
        request.session["join_network"] = form.cleaned_data["join_network"]
        if form.cleaned_data["email"]:
            keeping.email_link(taken, form.cleaned_data["email"], get_language())
            messages.info(
                request,
                _("We are emailing the link to your result to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
        return redirect("assessments:snapshot_result", taken.pk)
    return render(request, "assessments/snapshot_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def snapshot_result(request: HttpRequest, pk: str) -> HttpResponse:
    """The result, at once; signed in, the person keeps it for one of their cities."""
    taken = get_object_or_404(Snapshot, pk=pk)
    may = keeping.opens(taken, request.user, request.session, request.GET.get("key", ""))
    if may is None:
        raise Http404("No such snapshot")
    if may == "read":
        return _snapshot_page(request, taken, cities=[], can_keep=False)
    cities = []
    if request.user.is_authenticated:
        cities = list(City.objects.filter(memberships__user=request.user))
        if request.method == "POST":
            chosen = next((c for c in cities if c.slug == request.POST.get("city")), None)
            if chosen is None:
                messages.error(request, _("Choose one of your cities."))
            else:
                taken.person, taken.city = current_user(request), chosen
                taken.save(update_fields=["person", "city"])
                membership, _created = NetworkMembership.objects.get_or_create(
                    user=current_user(request)
                )
                if request.session.pop("join_network", False) and not membership.consent_to_contact:
                    membership.consent_to_contact = True
                    membership.consent_changed_at = timezone.now()
                    membership.save()
                messages.success(
                    request, _("The snapshot is kept for %(city)s.") % {"city": chosen.name}
                )
                return redirect("assessments:overview", chosen.slug)
    elif request.method == "POST":
        return redirect(f"{reverse('account_login')}?next={request.path}")
    return _snapshot_page(request, taken, cities=cities, can_keep=True)


def _snapshot_page(
    request: HttpRequest, taken: Snapshot, *, cities: list[City], can_keep: bool
) -> HttpResponse:
    q = snapshot.questionnaire(taken.questionnaire)
    result = snapshot.evaluate(q, taken.answers)
    names = {a.code: a.name.as_dict() for a in packaged(q.standard).practice_areas}
    return render(
        request,
        "assessments/snapshot_result.html",
        {
            "snapshot": taken,
            "result": result,
            "areas": [(names[a.area], a) for a in result.areas],
            "questionnaire": q,
            "cities": cities,
            "can_keep": can_keep,
        },
    )


@login_required
@require_POST
def network_consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent to be contacted by the program's network."""
    membership, _created = NetworkMembership.objects.get_or_create(user=current_user(request))
    membership.consent_to_contact = request.POST.get("consent") == "yes"
    membership.consent_changed_at = timezone.now()
    membership.save()
    messages.success(
        request,
        _("The program may contact you.")
        if membership.consent_to_contact
        else _("The program will no longer contact you."),
    )
    return redirect("accounts:dashboard")


# The assessment ----------------------------------------------------------------------------


def _preview(assessment: Assessment) -> dict[str, Any]:
    """The live score: points, level, areas, and the criteria that would reach the next level
    (on what the city claims; once decided, on what the review validated)."""
    spec = scoring_spec(assessment.standard)
    result = scores.score(assessment)
    names = dict(assessment.standard.practice_areas.values_list("code", "name"))
    areas = [(code, names.get(code, {}), area) for code, area in result.areas.items()]
    return {"result": result, "spec": spec, "areas": areas}


@login_required
@require_safe
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    assessment = services.open_assessment(city)
    if access.assessments(Action.VIEW_ASSESSMENT) is not None:
        # A reviewer or panelist, not the city's own: the assessment they may read, read only.
        assessment = visible_assessment(access)
    context: dict[str, Any] = {
        "city": city,
        "assessment": assessment,
        "can_manage": access.can(Action.MANAGE_ASSESSMENT),
        "snapshots": city.snapshots.all()[:3],
        "panels": panels.collect(request, access, city, assessment),
    }
    if assessment is not None:
        answers = list(
            assessment.answers.select_related("criterion__area", "assigned_to").order_by(
                "criterion__position"
            )
        )
        context.update(_preview(assessment))
        context["answers"] = answers
        context["team"] = city.memberships.select_related("user")
        context["done"] = sum(1 for a in answers if a.status != Answer.Status.UNANSWERED)
        context["short"] = [a for a in answers if a.is_short]
    else:
        context["previous"] = services.latest_decided(city)
    return render(request, "assessments/overview.html", context)


@login_required
@require_safe
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    assessment = visible_assessment(access)
    answers = assessment.answers.filter(assigned_to=current_user(request)).select_related(
        "criterion"
    )
    return render(
        request,
        "assessments/mine.html",
        {"city": city, "assessment": assessment, "answers": answers},
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    city = authorized(request, slug, Action.MANAGE_ASSESSMENT).city
    try:
        assessment = services.start(
            city, current_user(request), carry_forward=request.POST.get("carry") != "no"
        )
        messages.success(
            request,
            _(
                "The assessment against the %(standard)s is open. Answer each criterion; "
                "when everything is answered, check and submit it."
            )
            % {"standard": localize(assessment.standard.label).text},
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessments:overview", city.slug)


def _answer(access: Access, code: str) -> Answer:
    assessment = visible_assessment(access)
    return get_object_or_404(
        Answer.objects.select_related(
            "criterion", "assessment__standard", "updated_by", "assigned_to"
        ),
        assessment=assessment,
        criterion__code=code,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    current = _answer(access, code)
    can_edit = services.answer_is_open(current) and access.can(Action.EDIT_ANSWER, current)
    conflict = None
    status = 200
    if request.method == "POST":
        access.require(Action.EDIT_ANSWER, current)
        form = AnswerForm(request.POST, answer=current)
        if form.is_valid():
            try:
                current = services.save_answer(
                    current,
                    version=form.cleaned_data["version"],
                    status=form.cleaned_data["status"],
                    items=form.cleaned_data["items"],
                    narrative=form.cleaned_data["narrative"],
                    links=form.cleaned_data["links"],
                    by=current_user(request),
                )
                if request.headers.get("HX-Request"):
                    return render(
                        request,
                        "assessments/_saved.html",
                        {"answer": current, "city": city, **_preview(current.assessment)},
                    )
                messages.success(request, _("%(code)s is saved.") % {"code": code})
                return redirect("assessments:answer", city.slug, code)
            except services.ConflictError as exc:
                conflict, current, status = exc, exc.current, 409
            except services.AssessmentError as exc:
                form.add_error(None, str(exc))
                # Shown with the page's messages too: a locked answer has no form to show it in.
                messages.error(request, str(exc))
                status = 400
        else:
            status = 400
        if request.headers.get("HX-Request"):
            return render(
                request,
                "assessments/_saved.html",
                {"answer": current, "conflict": conflict, "form": form},
                status=status,
            )
        if conflict is not None:
            form = AnswerForm(initial=_initial(current), answer=current)
    else:
        form = AnswerForm(initial=_initial(current), answer=current)
    evidence_form = EvidenceForm()
    evidence_form.fields["file"].help_text = evidence_form.fields["file"].help_text % {
        "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    }
    return render(
        request,
        "assessments/answer.html",
        {
            "city": city,
            "answer": current,
            "criterion": current.criterion,
            "form": form,
            "evidence_form": evidence_form,
            "evidence": current.evidence.all(),
            "can_edit": can_edit,
            "conflict": conflict,
            "neighbours": queries.neighbours(current),
            "criterion_panels": panels.collect_criterion(request, access, current),
            "team": city.memberships.select_related("user")
            if access.can(Action.MANAGE_ASSESSMENT)
            else None,
            **_preview(current.assessment),
        },
        status=status,
    )


def _initial(current: Answer) -> dict[str, Any]:
    return {
        "version": current.version,
        "status": current.status
        if current.status != Answer.Status.UNANSWERED
        else Answer.Status.CLAIMED,
        "items": current.items,
        "narrative": current.narrative,
        "links": "\n".join(current.links),
    }


@login_required
@require_POST
def assign(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    access = authorized(request, slug, Action.MANAGE_ASSESSMENT)
    city = access.city
    current = _answer(access, code)
    back = safe_next(request, reverse("assessments:overview", args=[city.slug]))
    form = AssignForm(request.POST, team=city.memberships.select_related("user"))
    if not form.is_valid():
        messages.error(request, _("Choose a member of the team."))
        return redirect(back)
    membership = form.cleaned_data["person"]
    person = membership.user if membership else None
    services.assign(current, person)
    messages.success(
        request,
        _("%(code)s is assigned to %(person)s.") % {"code": code, "person": person}
        if person
        else _("%(code)s is assigned to no one.") % {"code": code},
    )
    return redirect(back)


@login_required
@require_POST
def upload_evidence(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    current = _answer(access, code)
    access.require(Action.EDIT_ANSWER, current)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        upload = form.cleaned_data["file"]
        try:
            stored = services.add_evidence(current, upload, upload.name, current_user(request))
            messages.success(request, _("%(name)s is uploaded.") % {"name": stored.name})
        except evidence_files.EvidenceFileError as exc:
            messages.error(request, exc.message)
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
    return redirect("assessments:answer", city.slug, code)


@login_required
@require_http_methods(["GET", "POST"])
def delete_evidence(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Removing a file asks first: a GET or an unconfirmed POST shows what will be removed; only
    the confirmed POST removes it, and a second one (a double click) finds it gone already."""
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    evidence = (
        Evidence.objects.select_related("answer__criterion", "answer__assessment")
        .filter(pk=pk, answer__assessment__city=city)
        .first()
    )
    if evidence is None:
        if confirmed(request):
            messages.info(request, _("The file is removed already."))
            return redirect(safe_next(request, reverse("assessments:overview", args=[city.slug])))
        raise Http404("No such file")
    access.require(Action.EDIT_ANSWER, evidence.answer)
    code = evidence.answer.criterion.code
    back = reverse("assessments:answer", args=[city.slug, code])
    if not services.answer_is_open(evidence.answer):
        messages.error(request, _("This answer can no longer be changed."))
        return redirect(back)
    if not confirmed(request):
        return render(
            request,
            "confirm.html",
            {
                "question": _("Remove %(name)s from %(code)s?")
                % {"name": evidence.name, "code": code},
                "consequence": _(
                    "The file is deleted from this answer, and reviewers will no longer see "
                    "it. This cannot be undone."
                ),
                "button": _("Remove the file"),
                "action": request.path,
                "hidden": [("next", back)],
                "cancel": back,
            },
        )
    try:
        services.remove_evidence(evidence)
        messages.success(request, _("%(name)s is removed.") % {"name": evidence.name})
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect(back)


@login_required
@require_safe
def download_evidence(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """Only for people the policy allows (on the assessment the file belongs to); always as a
    download, never shown inline."""
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    evidence = get_object_or_404(
        Evidence.objects.select_related("answer"), pk=pk, answer__assessment__city=access.city
    )
    access.require(Action.VIEW_ASSESSMENT, evidence)
    return evidence_files.download(evidence)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    assessment = visible_assessment(access)
    options = list(assessment.standard.outcome_options.order_by("position"))
    choices = [(o.code, localize(o.title).text) for o in options]
    form = OutcomeForm(
        request.POST or None,
        options=choices,
        initial={
            "version": assessment.outcome_version,
            "option": assessment.outcome_option.code if assessment.outcome_option else None,
            "narrative": assessment.outcome_narrative,
            "links": "\n".join(assessment.outcome_links),
        },
    )
    if request.method == "POST":
        access.require(Action.MANAGE_ASSESSMENT)
        if form.is_valid():
            try:
                services.save_outcome(
                    assessment,
                    version=form.cleaned_data["version"],
                    option=next(o for o in options if o.code == form.cleaned_data["option"]),
                    narrative=form.cleaned_data["narrative"],
                    links=form.cleaned_data["links"],
                )
                messages.success(request, _("The outcome gate is saved."))
                return redirect("assessments:overview", city.slug)
            except services.AssessmentError as exc:
                form.add_error(None, str(exc))
    return render(
        request,
        "assessments/outcome.html",
        {
            "city": city,
            "assessment": assessment,
            "form": form,
            "options": options,
            "can_edit": assessment.is_editable and access.can(Action.MANAGE_ASSESSMENT),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Check, then submit: the page says what submitting does, and only its confirmed POST
    submits (a second one, from a double click, finds it submitted already)."""
    access = authorized(request, slug, Action.MANAGE_ASSESSMENT)
    city = access.city
    assessment = visible_assessment(access)
    if confirmed(request):
        try:
            services.submit(assessment, current_user(request))
            messages.success(
                request,
                _(
                    "The assessment is submitted, and your team is told by email. Next, the "
                    "certification team assigns reviewers and validates each claim; they may "
                    "ask you to clarify some answers. You can withdraw it until the review "
                    "starts."
                ),
            )
            return redirect("assessments:overview", city.slug)
        except services.AssessmentError as exc:
            assessment.refresh_from_db()
            if assessment.state == Assessment.State.SUBMITTED:
                messages.info(request, _("The assessment is submitted already."))
                return redirect("assessments:overview", city.slug)
            messages.error(request, str(exc))
    problems = services.problems(assessment) if assessment.is_editable else []
    short = [
        a
        for a in assessment.answers.filter(status=Answer.Status.CLAIMED)
        .select_related("criterion")
        .order_by("criterion__position")
        if a.is_short
    ]
    return render(
        request,
        "assessments/submit.html",
        {
            "city": city,
            "assessment": assessment,
            "problems": problems,
            "short": short if assessment.is_editable and not problems else [],
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.MANAGE_ASSESSMENT)
    city = access.city
    try:
        services.withdraw(visible_assessment(access), current_user(request))
        messages.success(request, _("The assessment is withdrawn and can be edited again."))
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessments:overview", city.slug)


# The spreadsheet round trip ----------------------------------------------------------------


def _sheet(
    assessment: Assessment,
) -> tuple[spreadsheet.SheetMeta, list[spreadsheet.SheetCriterion]]:
    meta = spreadsheet.SheetMeta(assessment.pk, assessment.standard.code, assessment.city.name)
    criteria = [
        spreadsheet.SheetCriterion(
            code=c.code,
            area=c.area.code,
            title=localize(c.title).text,
            required=c.required_items or 1,
            items=tuple(
                spreadsheet.SheetItem(i.key, localize(i.text).text) for i in c.checklist_items.all()
            ),
        )
        for c in assessment.standard.criteria.select_related("area")
        .prefetch_related("checklist_items")
        .order_by("position")
    ]
    return meta, criteria


@login_required
@require_safe
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ASSESSMENT)
    city = access.city
    assessment = visible_assessment(access)
    meta, criteria = _sheet(assessment)
    answers = {
        a.criterion.code: spreadsheet.SheetAnswer(
            a.criterion.code,
            frozenset(a.items),
            a.status == Answer.Status.NOT_MET,
            a.narrative,
            tuple(a.links),
        )
        for a in assessment.answers.select_related("criterion")
        if a.status != Answer.Status.UNANSWERED
    }
    data = spreadsheet.export_workbook(meta, criteria, answers)
    record_read(assessment, "spreadsheet")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="citycert-{city.slug}-{assessment.standard.code}.xlsx"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.MANAGE_ASSESSMENT)
    city = access.city
    assessment = visible_assessment(access)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: tuple[spreadsheet.RowError, ...] = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        meta, criteria = _sheet(assessment)
        try:
            if upload.size > 10 * 1024 * 1024:
                raise spreadsheet.SpreadsheetError(
                    (spreadsheet.RowError(None, None, None, _("The file is larger than 10 MB.")),)
                )
            imported = spreadsheet.import_workbook(upload.read(), meta, criteria)
            count = services.import_answers(assessment, imported, current_user(request))
            messages.success(
                request,
                ngettext(
                    "The spreadsheet was imported: %(n)s answer changed.",
                    "The spreadsheet was imported: %(n)s answers changed.",
                    count,
                )
                % {"n": count}
                if count
                else _("The spreadsheet was imported: no answer changed."),
            )
            return redirect("assessments:overview", city.slug)
        except spreadsheet.SpreadsheetError as exc:
            errors = exc.errors
        except services.AssessmentError as exc:
            errors = (spreadsheet.RowError(None, None, None, str(exc)),)
    return render(
        request,
        "assessments/import.html",
        {"city": city, "assessment": assessment, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
