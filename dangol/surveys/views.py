"""Survey pages: the public answer page (no login), and the staff pages to build, send and follow up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dangol.accounts.services import staff_of
from dangol.common.korean import particle
from dangol.customers.models import Customer
from dangol.customers.segments import audience_customers
from dangol.imports.models import ImportJob
from dangol.imports.readers import FileFormatError
from dangol.interactions.models import Touchpoint
from dangol.privacy import throttle
from dangol.surveys import answering, selectors, sending, services
from dangol.surveys.forms import (
    ImportForm,
    InvitationForm,
    PulseLinksForm,
    QuestionForm,
    SegmentForm,
    SurveyForm,
)
from dangol.surveys.importing import responses_import_upload
from dangol.surveys.kano import ANSWERS as KANO_ANSWERS
from dangol.surveys.models import Question, Survey

KANO_ANSWERS_EN = {
    1: "I like it",
    2: "I expect it",
    3: "I am neutral",
    4: "I can live with it",
    5: "I dislike it",
}
SCALE_ENDS = {
    "csat": (("매우 불만족", "매우 만족"), ("Very dissatisfied", "Very satisfied")),
    "nps": (("전혀 추천하지 않음", "적극 추천"), ("Not at all likely", "Extremely likely")),
    "ces": (("매우 쉬웠음", "매우 힘들었음"), ("Very easy", "Very hard")),
    "gap": (("매우 낮음", "매우 높음"), ("Very low", "Very high")),
}


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def form_rows(survey: Survey, data: Any = None) -> list[dict[str, Any]]:
    """What the answer page draws for each question, in the respondent's language."""
    en = _english()
    rows = []
    for q in services.survey_questions(survey):
        text = q.text_en if en and q.text_en else q.text
        row: dict[str, Any] = {"q": q, "text": text, "inputs": []}
        if q.kind in Question.RANGES:
            low, high = Question.RANGES[q.kind]  # type: ignore[index]
            ends = SCALE_ENDS[q.kind][1 if en else 0]
            options = [(str(v), str(v)) for v in range(low, high + 1)]
            if q.kind == "gap":
                row["inputs"] = [
                    {
                        "name": f"{q.code}__expectation",
                        "label": "Expected" if en else "기대했던 수준",
                        "options": options,
                        "ends": ends,
                    },
                    {
                        "name": q.code,
                        "label": "Experienced" if en else "실제 경험",
                        "options": options,
                        "ends": ends,
                    },
                ]
            else:
                row["inputs"] = [{"name": q.code, "label": "", "options": options, "ends": ends}]
            row["scale"] = True
        elif q.kind == "kano":
            answers = KANO_ANSWERS_EN if en else KANO_ANSWERS
            options = [(str(k), v) for k, v in answers.items()]
            row["inputs"] = [
                {
                    "name": f"{q.code}__functional",
                    "label": (f"If it has: {text}" if en else f"‘{text}’{particle(text, '이/가')} 있다면?"),
                    "options": options,
                },
                {
                    "name": f"{q.code}__dysfunctional",
                    "label": (
                        f"If it does not have: {text}" if en else f"‘{text}’{particle(text, '이/가')} 없다면?"
                    ),
                    "options": options,
                },
            ]
            row["list"] = True
        elif q.kind in ("single", "multiple"):
            row["inputs"] = [
                {
                    "name": q.code,
                    "label": "",
                    "options": [(c, c) for c in q.choices],
                    "multiple": q.kind == "multiple",
                }
            ]
            row["list"] = True
        else:
            row["textarea"] = True
        for item in row["inputs"]:
            item["current"] = data.getlist(item["name"]) if data is not None else []
        if data is not None and row.get("textarea"):
            row["current_text"] = data.get(q.code, "")
        rows.append(row)
    return rows


def _form_html(survey: Survey) -> str:
    """The blank answer form of a survey in the active language (kept with the survey, see `answering.kit`)."""
    en = _english()
    return render_to_string(
        "surveys/answer.html",
        {
            "survey": survey,
            "rows": form_rows(survey),
            "errors": {},
            "title": survey.title_en if en and survey.title_en else survey.title,
            "intro": survey.intro_en if en and survey.intro_en else survey.intro,
            "comment": "",
        },
    )


def _closed(request: HttpRequest, exc: answering.LinkError, status: int) -> HttpResponse:
    return render(
        request, "surveys/answer_closed.html", {"message": str(exc), "code": exc.code}, status=status
    )


# No CSRF token: the page acts on no cookie (no login, no session); the unguessable one-time link in the URL is
# the only authority, and whoever has it can post without a browser, so a forged cross-site post gains nothing.
# Leaving the token out lets every respondent get the same kept page, with no cookie to set or check.
@csrf_exempt
@login_not_required
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's page: one-time link, no login, phone first. Errors are Korean sentences, never a 500.

    Both requests stay short (issue 18): one indexed read of the link, the survey's questions and pages kept per
    process (`answering.kit`, renewed in every process when the survey changes); the POST validates without a
    transaction, then spends the link and stores the answer in one write (`answering.answer_store`); the
    follow-up case of an unhappy customer is opened by the job worker."""
    try:
        link = answering.link_from_token(token)
    except answering.LinkError as exc:
        return _closed(request, exc, 410 if exc.code in ("used", "expired", "closed") else 400)
    made = answering.kit(link.survey_id, link.form_stamp)
    survey = made.survey
    language = get_language() or "ko"
    if request.method != "POST":
        return HttpResponse(answering.page(made, "form", language, lambda: _form_html(survey)))
    errors: dict[str, list[str]] = {}
    data = {k: request.POST.getlist(k) for k in request.POST}
    try:
        clean = services.clean_answers(survey, data, made.questions)
        followup = services.followup_due(survey, clean)
        if followup and link.customer_id is None:
            # Links anyone can get (store QR codes): a script must not open case after case.
            throttle.hit("survey-followup-ip", throttle.client_key(request), _followup_rules())
        answering.answer_store(link=link, survey=survey, clean=clean, now=timezone.now(), followup=followup)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    except answering.LinkError as exc:
        return _closed(request, exc, 410)
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        # the case is opened by the worker in a moment; the customer is told someone will call
        return HttpResponse(
            answering.thanks_html(made, language, followup=followup and link.customer_id is not None)
        )
    en = _english()
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "rows": form_rows(survey, request.POST),
            "errors": errors,
            "title": survey.title_en if en and survey.title_en else survey.title,
            "intro": survey.intro_en if en and survey.intro_en else survey.intro,
            "comment": request.POST.get("comment", ""),
        },
        status=400,
    )


@login_not_required
def counter(request: HttpRequest, token: str) -> HttpResponse:
    """A store counter's QR code: each scan gets a fresh one-time link, at a human pace per client; beyond it, the
    browser gets back the unanswered link it already has, a script a 429."""
    try:
        survey, touchpoint = sending.counter_target(token=token)
        remembered = f"dangol_qr_{survey.pk}_{touchpoint.pk}"
        try:
            throttle.hit("survey-qr-ip", throttle.client_key(request), _scan_rules())
        except throttle.RateLimited as limited:
            earlier = request.COOKIES.get(remembered, "")
            if sending.counter_invitation_unused(link_token=earlier, survey=survey, touchpoint=touchpoint):
                return redirect("surveys:answer", token=earlier)
            return throttle.too_many_requests(request, limited)
        invitation, link_token = sending.invitation_from_counter(token=token)
    except services.LinkError as exc:
        status = 410 if exc.code == "closed" else 400
        return render(
            request, "surveys/answer_closed.html", {"message": str(exc), "code": exc.code}, status=status
        )
    response = redirect(services.invitation_path(invitation))
    response.set_cookie(
        remembered,
        link_token,
        max_age=3600,
        path="/surveys/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _scan_rules() -> list[throttle.Rule]:
    return [
        throttle.Rule(settings.DANGOL_QR_SCANS_PER_IP_PER_MINUTE, 60),
        throttle.Rule(settings.DANGOL_QR_SCANS_PER_IP_PER_HOUR, 3600),
    ]


def _followup_rules() -> list[throttle.Rule]:
    return [throttle.Rule(settings.DANGOL_SURVEY_FOLLOWUPS_PER_IP_PER_HOUR, 3600)]


@permission_required("surveys.add_invitation", raise_exception=True)
def counter_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable QR code for a store counter (one per touchpoint)."""
    from django.urls import reverse

    survey = selectors.survey_for_page(pk)
    touchpoints = list(Touchpoint.objects.filter(is_active=True).order_by("kind", "name"))
    chosen = next((t for t in touchpoints if str(t.pk) == request.GET.get("touchpoint", "")), None)
    chosen = chosen or survey.touchpoint or (touchpoints[0] if touchpoints else None)
    url = (
        request.build_absolute_uri(
            reverse("surveys:counter", args=[sending.counter_token(survey=survey, touchpoint=chosen)])
        )
        if chosen
        else ""
    )
    return render(
        request,
        "surveys/qr.html",
        {"nav": "surveys", "survey": survey, "touchpoints": touchpoints, "chosen": chosen, "url": url},
    )


@permission_required("surveys.view_survey", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/index.html", {"nav": "surveys", "surveys": selectors.surveys_overview()})


@permission_required("surveys.add_survey", raise_exception=True)
def survey_new(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(by=staff_of(request), **form.cleaned_data)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, _("설문을 만들었습니다. 문항을 추가하세요."))
            return redirect("surveys:detail", survey.pk)
    return render(
        request, "surveys/new.html", {"nav": "surveys", "form": form}, status=400 if form.errors else 200
    )


@permission_required("surveys.view_survey", raise_exception=True)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    user = staff_of(request)
    return render(
        request,
        "surveys/detail.html",
        {
            "nav": "surveys",
            "survey": survey,
            "questions": list(survey.questions.all()),
            "rate": selectors.response_rate(survey),
            "responses": selectors.recent_responses(survey)
            if user.has_perm("surveys.view_response")
            else None,
            "question_form": QuestionForm(initial={"required": True}),
            "invite_form": InvitationForm(),
            "pulse_form": PulseLinksForm() if survey.kind == Survey.Kind.PULSE else None,
            "segment_form": SegmentForm() if survey.kind != Survey.Kind.PULSE else None,
            "new_link": request.session.pop("survey_new_link", None),
            "pulse_links": request.session.pop("survey_pulse_links", None),
        },
    )


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))


@require_POST
@permission_required("surveys.change_survey", raise_exception=True)
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:detail", pk)
    d = form.cleaned_data
    try:
        services.question_add(
            survey=survey,
            kind=d["kind"],
            text=d["text"],
            text_en=d["text_en"],
            code=d["code"],
            aspect=d["aspect"],
            dimension=d["dimension"] or "",
            choices=(d["choices"] or "").splitlines(),
            required=d["required"],
            stated_importance=d["stated_importance"],
        )
        messages.success(request, _("문항을 추가했습니다."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", pk)


@require_POST
@permission_required("surveys.change_survey", raise_exception=True)
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    try:
        if request.POST.get("wave"):
            services.survey_start_wave(survey=survey, wave=request.POST["wave"])
        else:
            services.survey_set_status(survey=survey, status=request.POST.get("status", ""))
        messages.success(request, _("저장했습니다."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", pk)


@require_POST
@permission_required("surveys.add_invitation", raise_exception=True)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:detail", pk)
    d = form.cleaned_data
    customer = Customer.objects.filter(pk=d["customer"], status="active").first() if d["customer"] else None
    staff = User.objects.filter(username=d["staff"]).first() if d["staff"] else None
    if d["customer"] and customer is None:
        messages.error(request, _("고객 번호를 찾을 수 없습니다."))
        return redirect("surveys:detail", pk)
    if d["staff"] and staff is None:
        messages.error(request, _("직원 아이디를 찾을 수 없습니다."))
        return redirect("surveys:detail", pk)
    try:
        invitation, token = services.invitation_create(
            survey=survey, customer=customer, staff=staff, touchpoint=d["touchpoint"], channel=d["channel"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:detail", pk)
    request.session["survey_new_link"] = request.build_absolute_uri(services.invitation_path(invitation))
    sent = invitation.message
    if sent is not None and sent.status == sent.Status.BLOCKED:
        messages.error(request, _("초대를 보내지 못했습니다: %(reason)s") % {"reason": sent.blocked_reason})
    elif sent is not None:
        messages.success(
            request,
            _("초대 메시지를 %(channel)s(으)로 보냈습니다.") % {"channel": sent.get_channel_display()},
        )
    else:
        messages.success(request, _("일회용 응답 링크를 만들었습니다."))
    return redirect("surveys:detail", pk)


@require_POST
@permission_required("surveys.change_survey", raise_exception=True)
def segment_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the customers of a saved audience — a customer-list filter or a builder segment (promotional
    surveys: only those with marketing consent)."""
    survey = selectors.survey_for_page(pk)
    form = SegmentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:detail", pk)
    try:
        name, customers = audience_customers(form.cleaned_data["segment"])
        made, skipped = sending.invitations_for_segment(
            survey=survey, customers=customers, channel=form.cleaned_data["channel"]
        )
    except LookupError:
        messages.error(request, _("선택한 세그먼트가 없어졌습니다. 다시 고르세요."))
        return redirect("surveys:detail", pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:detail", pk)
    if not made and not skipped:
        messages.error(request, _("‘%(name)s’ 세그먼트에 해당하는 고객이 없습니다.") % {"name": name})
    else:
        messages.success(
            request,
            _(
                "초대 %(made)d건을 보냈습니다 (수신 동의나 연락처가 없어 제외 %(skipped)d건: 메시지 발송함에서 이유를 볼 수 있습니다)."
            )
            % {"made": len(made), "skipped": skipped},
        )
    return redirect("surveys:detail", pk)


@require_POST
@permission_required("surveys.change_survey", raise_exception=True)
def pulse_links(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    form = PulseLinksForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:detail", pk)
    try:
        tokens = sending.pulse_invitations(
            survey=survey, team=form.cleaned_data["team"], count=form.cleaned_data["count"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:detail", pk)
    from django.urls import reverse

    request.session["survey_pulse_links"] = [
        request.build_absolute_uri(reverse("surveys:answer", args=[t])) for t in tokens[:200]
    ]
    messages.success(request, _("익명 링크를 만들었습니다. 누가 어떤 링크를 받았는지는 저장하지 않습니다."))
    return redirect("surveys:detail", pk)


@require_POST
@permission_required("surveys.change_survey", raise_exception=True)
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_page(pk)
    count = sending.invitations_remind(survey=survey)
    messages.success(request, _("미응답 초대 %(n)d건에 다시 알림을 보냈습니다.") % {"n": count})
    return redirect("surveys:detail", pk)


@permission_required("surveys.view_response", raise_exception=True)
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = selectors.response_detail(pk)
    return render(
        request,
        "surveys/response.html",
        {
            "nav": "surveys",
            "r": response,
            "answers": selectors.answers_of(response),
            "case": response.followup_case,
        },
    )


@permission_required("surveys.add_response", raise_exception=True)
def import_responses(request: HttpRequest) -> HttpResponse:
    """Field-survey answers from CSV/Excel, validated row by row like the customer import; a long file
    goes to the job worker and the page to its job status."""
    surveys = list(Survey.objects.exclude(status=Survey.Status.DRAFT).order_by("title"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    survey_id = request.POST.get("survey", "")
    if request.method == "POST":
        survey = next((s for s in surveys if str(s.pk) == survey_id), None)
        if survey is None:
            form.add_error(None, _("설문을 고르세요."))
        elif form.is_valid():
            try:
                outcome = responses_import_upload(
                    survey=survey,
                    upload=form.cleaned_data["file"],
                    on_error=form.cleaned_data["on_error"],
                    by=staff_of(request),
                )
            except FileFormatError as exc:
                form.add_error("file", str(exc))
            else:
                if isinstance(outcome, ImportJob):
                    return redirect("imports:job", pk=outcome.pk)
                result = outcome
    return render(
        request,
        "surveys/import.html",
        {
            "nav": "surveys",
            "form": form,
            "surveys": surveys,
            "survey_id": survey_id,
            "result": result,
        },
        status=400 if form.errors else 200,
    )
