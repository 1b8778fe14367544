"""VOC pages: the board, work queues, the guided case screen, silent dissatisfied, bad-customer review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangol.accounts.models import Team
from dangol.accounts.services import staff_of
from dangol.common.csv import safe_writer
from dangol.common.params import parse_ids, parse_int
from dangol.common.redirects import safe_next
from dangol.customers.display import masked_address_as
from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.interactions.models import Interaction
from dangol.privacy import throttle
from dangol.privacy.masking import mask_name, mask_phone
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write, can_see_personal_data
from dangol.voc import flags, selectors, services
from dangol.voc import intake as public_intake
from dangol.voc.display import CONTACT_FIELDS, case_contact
from dangol.voc.forms import CaseForm, IntakeForm, QueueFilterForm
from dangol.voc.models import (
    STEP_ORDER,
    Case,
    Category,
    CustomerFlag,
    DifficultType,
    RootCause,
    SavedFilter,
)
from dangol.voc.playbooks import PLAYBOOKS
from dangol.voc.prefill import draft_from_interaction
from dangol.voc.recovery import GROUP_LABELS, Recovery


@permission_required("voc.view_case", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    data, computed_at = selectors.voc_board_snapshot()
    return render(
        request,
        "voc/board.html",
        {
            "nav": "voc",
            "b": data,
            "computed_at": computed_at,
            "counts": selectors.queue_counts(staff_of(request)),
            "weekly_labels": [w["week"][5:] for w in data.weekly],
            "weekly_series": {
                str(label): [w[kind] for w in data.weekly] for kind, label in Case.Kind.choices
            },
            "category_labels": [
                f"{r['category__parent__name'] or ''} {r['category__name'] or '미분류'}".strip()
                for r in data.by_category
            ],
            "category_counts": [r["n"] for r in data.by_category],
            **_recovery_context(data.recovery),
        },
    )


def _recovery_context(recovery: Recovery | None) -> dict[str, Any]:
    """The recovery table's rows and the chart's series (percent, with the 95% interval as whiskers)."""
    if recovery is None:
        return {"recovery": None, "recovery_rows": [], "recovery_chart": None}
    rows = [(g, GROUP_LABELS[g.key]) for g in recovery.groups]
    return {
        "recovery": recovery,
        "recovery_rows": rows,
        "recovery_chart": {
            "labels": [str(label) for _g, label in rows],
            "rates": [round(g.rate * 100, 1) if g.rate is not None else None for g, _l in rows],
            "low": [round(g.low * 100, 1) if g.customers else None for g, _l in rows],
            "high": [round(g.high * 100, 1) if g.customers else None for g, _l in rows],
            "counts": [g.customers for g, _l in rows],
            "axis": _("90일 안에 다시 산 고객의 비율"),
        },
    }


@permission_required("voc.view_case", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.QueueFilters(
            queue=d["queue"] or "mine",
            status=d["status"] or "",
            priority=d["priority"] or "",
            kind=d["kind"] or "",
            category=d["category"].pk if d["category"] else None,
            q=d["q"] or "",
        )
    page = parse_int(request.GET.get("page"), default=1, minimum=1, maximum=100_000)
    rows = selectors.case_queue_page(user, filters, offset=(page - 1) * 30, limit=31)
    context = {
        "nav": "voc",
        "form": form,
        "filters": filters,
        "rows": rows[:30],
        "page": page,
        "has_next": len(rows) > 30,
        "has_prev": page > 1,
        "counts": selectors.queue_counts(user),
        "queues": selectors.QUEUES,
        "saved": SavedFilter.objects.filter(user=user),
        "assignees": _assignable(),
    }
    if request.headers.get("HX-Target") == "case-rows":
        return render(request, "voc/_queue_rows.html", context)
    return render(request, "voc/queue.html", context)


def _assignable() -> list[User]:
    return list(
        User.objects.filter(is_active=True, staff__role__in=["agent", "manager", "admin"])
        .select_related("staff")
        .order_by("staff__team__name", "staff__display_name")
    )


@require_POST
@permission_required("voc.change_case", raise_exception=True)
def queue_bulk_assign(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    ids = parse_ids(request.POST.getlist("case"))
    assignee_id = parse_int(request.POST.get("assignee"), minimum=1)
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
    if not ids or assignee is None:
        messages.error(request, _("배정할 건과 담당자를 선택하세요."))
    else:
        cases = [c for c in Case.objects.filter(pk__in=ids) if services.can_work_on(user, c)]
        done = services.cases_bulk_assign(cases=cases, assignee=assignee, by=user)
        messages.success(request, _("%(n)s건을 배정했습니다.") % {"n": done})
    return redirect(safe_next(request, default="voc:queue"))


@require_POST
@permission_required("voc.view_case", raise_exception=True)
def queue_save_filter(request: HttpRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip()[:60]
    query = (request.POST.get("query") or "").strip()[:500]
    if name:
        SavedFilter.objects.update_or_create(user=staff_of(request), name=name, defaults={"query": query})
        messages.success(request, _("필터를 저장했습니다."))
    return redirect(f"/voc/queue/?{query}")


@permission_required("voc.add_case", raise_exception=True)
def case_new(request: HttpRequest) -> HttpResponse:
    customer = None
    cid = parse_int(request.GET.get("customer") or request.POST.get("customer"), minimum=1)
    if cid:
        customer = Customer.objects.filter(pk=cid).first()
    interaction = None
    iid = parse_int(request.GET.get("interaction") or request.POST.get("interaction"), minimum=1)
    if customer and iid:
        interaction = (
            Interaction.objects.filter(pk=iid, customer=customer).select_related("touchpoint").first()
        )
    # From a logged call: the customer's words, the intent, a category and a priority read from them, to confirm.
    draft = draft_from_interaction(interaction) if interaction and request.method != "POST" else None
    form = CaseForm(
        request.POST or None,
        initial=draft.initial() if draft else {},
        customer=customer,  # a known customer: no unknown contact's name to ask for
        defaults=selectors.case_form_defaults(staff_of(request)),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_open(
                customer=customer,
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                channel=d["channel"],
                touchpoint=d["touchpoint"],
                category=d["category"],
                priority=d["priority"],
                by=staff_of(request),
                contact_name=d.get("contact_name", ""),
                contact_info=d.get("contact_info", ""),
                callback_phone=d["callback_phone"],
                interaction=interaction,
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            return redirect("voc:case", pk=case.pk)
    return render(
        request,
        "voc/new.html",
        {"nav": "voc", "form": form, "customer": customer, "interaction": interaction, "draft": draft},
    )


def _case_context(
    request: HttpRequest, case: Case, flash: str = "", *, unmasked: bool = False
) -> dict[str, Any]:
    done = {s.step: s for s in case.steps.select_related("by__staff")}
    user = staff_of(request)
    contact = case_contact(case, unmasked=unmasked)
    can_work = services.can_work_on(user, case)
    return {
        "nav": "voc",
        "case": case,
        "flash": flash,
        "steps": [(s.value, s.label, done.get(s.value)) for s in STEP_ORDER],
        # Step 5 stays on screen until it is recorded, closed case or not; a complaint closes only after it.
        "follow_up_done": "follow_up" in done,
        "follow_up_needed": case.kind == Case.Kind.COMPLAINT and "follow_up" not in done,
        "missing": services.missing_required_steps(case) if case.kind == Case.Kind.COMPLAINT else [],
        "events": case.events.select_related("by__staff")[:100],
        "handoffs": case.handoffs.select_related("from_team", "to_team", "accepted_by")[:20],
        "playbook": PLAYBOOKS.get(case.difficult_type) if case.difficult_type else None,
        "difficult_types": DifficultType.choices,
        "resolutions": Case.Resolution.choices,
        "reactions": Case.Reaction.choices,
        "root_causes": RootCause.objects.all(),
        "teams": Team.objects.all(),
        "category_groups": selectors.category_groups(),
        "assignees": _assignable(),
        "flag": flags.active_flag(case.customer_id),
        "can_work": can_work,
        "can_override": user.has_perm("voc.override_case_step"),
        "reading": case.text_analysis or {},
        "reply": services.reply_suggestion(case),
        "intents": services.INTENTS,
        "emotions": services.EMOTIONS,
        "address_as": masked_address_as(case.customer, unmasked=False) if case.customer else contact.name,
        "contact": contact,
        "callback_phone": mask_phone(case.callback_phone),
        "can_reveal": can_see_personal_data(user),
        "link_suggestions": [
            (c, mask_name(c.name), mask_phone(c.phone)) for c in selectors.link_suggestions(case)
        ]
        if can_work
        else [],
    }


@permission_required("voc.view_case", raise_exception=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.select_related(
            "customer",
            "category__parent",
            "team",
            "assignee__staff",
            "touchpoint",
            "dedicated_handler__staff",
        ),
        pk=pk,
    )
    return render(request, "voc/case.html", _case_context(request, case))


@require_POST
@permission_required("voc.view_case", raise_exception=True)
def case_reveal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact of an unlinked case in full, for roles that may see personal data; every look is logged."""
    if not can_see_personal_data(request.user):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.select_related("customer", "team", "assignee__staff"), pk=pk)
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.VIEW,
        fields=CONTACT_FIELDS,
        customer_id=case.customer_id,
        request=request,
        detail=f"VOC 연락처 보기 {case.number}",
    )
    return render(request, "voc/_case_live.html", _case_context(request, case, unmasked=True))


@require_POST
@permission_required("voc.view_case", raise_exception=True)
def case_reveal_callback_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The callback number in full, for roles that may see personal data; every look is logged."""
    if not can_see_personal_data(request.user):
        raise PermissionDenied
    case = get_object_or_404(Case, pk=pk)
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.VIEW,
        fields=["callback_phone"],
        customer_id=case.customer_id,
        request=request,
        detail=f"VOC 회신 전화번호 보기 {case.number}",
    )
    return render(
        request,
        "voc/_callback_phone.html",
        {"case": case, "callback_phone": case.callback_phone, "revealed": True},
    )


def _errors(exc: ValidationError | str) -> HttpResponse:
    if isinstance(exc, ValidationError):
        items = [
            m
            for msgs in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
            for m in msgs
        ]
    else:
        items = [exc]
    response = HttpResponse(
        format_html_join("", '<p class="error" role="alert">{}</p>', ((m,) for m in items))
    )
    response["HX-Retarget"] = "#case-errors"
    response["HX-Reswap"] = "innerHTML"
    return response


ACTIONS = (
    "step",
    "correct_reading",
    "link_customer",
    "promise",
    "assign",
    "handoff",
    "category",
    "difficult",
    "warning",
    "end_contact",
    "resolve",
    "close",
    "satisfaction",
    "pause",
    "resume",
    "accept_handoff",
    "callback_phone",
    "reply",
    "reply_send",
    "recovery_coupon",
)


@require_POST
@permission_required("voc.change_case", raise_exception=True)
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        return _errors(_("알 수 없는 작업입니다."))
    case = get_object_or_404(Case, pk=pk)
    user = staff_of(request)
    p = request.POST
    version = int(p["version"]) if p.get("version", "").isdigit() else None
    try:
        services.require_work_on(user, case)
        flash = _dispatch(action, case, user, p, version)
    except PermissionDenied as exc:
        return _errors(str(exc) or _("권한이 없습니다."))
    except services.CaseConflict as exc:
        return _errors(str(exc))
    except ValidationError as exc:
        return _errors(exc)
    case.refresh_from_db()
    return render(request, "voc/_case_live.html", _case_context(request, case, flash))


def _dispatch(action: str, case: Case, user: User, p: Any, version: int | None) -> str:
    def user_from(field: str) -> User:
        found = User.objects.filter(pk=p.get(field) or 0, is_active=True).first()
        if found is None:
            raise ValidationError({field: _("직원을 선택하세요.")})
        return found

    if action == "step":
        services.case_record_step(case=case, step=p.get("step", ""), by=user, note=p.get("note", ""))
        return _("단계를 기록했습니다.")
    if action == "recovery_coupon":
        issue, new = services.case_recovery_coupon(case=case, by=user)
        if not new:
            return _("이 건으로 이미 회복 쿠폰을 보냈습니다(쿠폰 번호 %(code)s).") % {"code": issue.code}
        return _("회복 쿠폰을 발급했습니다(쿠폰 번호 %(code)s).") % {"code": issue.code}
    if action == "reply":
        services.case_record_reply(case=case, by=user, text=p.get("text", ""))
        return _("답변을 기록했습니다.")
    if action == "reply_send":
        services.case_reply_send(case=case, by=user, text=p.get("text", ""))
        return _("고객에게 답변을 보냈습니다. 발송 결과는 메시지 발송함에서 볼 수 있습니다.")
    if action == "correct_reading":
        services.case_correct_reading(
            case=case, intent=p.get("intent", ""), emotion=p.get("emotion", ""), by=user
        )
        return _("고쳐 주신 내용은 다음 학습에 반영됩니다.")
    if action == "callback_phone":
        services.case_set_callback_phone(
            case=case, phone=p.get("callback_phone", ""), by=user, expected_version=version
        )
        return _("회신 전화번호를 저장했습니다.")
    if action == "link_customer":
        raw = (p.get("phone") or "").strip()
        chosen = parse_int(p.get("customer"), minimum=1)  # one of the suggestions on the case page
        try:
            if chosen is not None:
                customer = Customer.objects.filter(pk=chosen, status="active").first()
            else:
                customer = (
                    Customer.objects.filter(phone=normalize_phone(raw), status="active").first()
                    if raw
                    else None
                )
        except InvalidPhone as exc:
            raise ValidationError({"phone": str(exc)}) from exc
        if customer is None:
            raise ValidationError({"phone": _("그 전화번호의 고객이 없습니다.")})
        services.case_link_customer(case=case, customer=customer, by=user)
        return _("고객과 연결했습니다.")
    if action == "promise":
        from django.utils.dateparse import parse_datetime

        due = parse_datetime(p.get("due_at") or "")
        if due is None:
            raise ValidationError({"due_at": _("기한을 입력하세요.")})
        if timezone.is_naive(due):
            due = timezone.make_aware(due)
        services.case_make_promise(case=case, by=user, text=p.get("text", ""), due_at=due)
        return _("약속을 등록했습니다. 기한 안에 지켜 주세요.")
    if action == "assign":
        services.case_assign(case=case, assignee=user_from("assignee"), by=user, expected_version=version)
        return _("담당자를 지정했습니다.")
    if action == "handoff":
        team = Team.objects.filter(pk=p.get("to_team") or 0).first()
        if team is None:
            raise ValidationError({"to_team": _("이관할 팀을 선택하세요.")})
        services.case_handoff(
            case=case, to_team=team, reason=p.get("reason", ""), by=user, expected_version=version
        )
        return _("다른 팀으로 이관했습니다.")
    if action == "accept_handoff":
        handoff = case.handoffs.filter(pk=p.get("handoff") or 0, accepted_at__isnull=True).first()
        if handoff is None:
            raise ValidationError(_("인수할 이관 기록이 없습니다."))
        services.handoff_accept(handoff=handoff, by=user)
        return _("이관을 인수했습니다.")
    if action == "category":
        category = Category.objects.filter(pk=p.get("category") or 0).first()
        if category is None:
            raise ValidationError({"category": _("분류를 선택하세요.")})
        services.case_set_category(case=case, category=category, by=user, expected_version=version)
        return _("분류를 바꿨습니다.")
    if action == "difficult":
        services.case_mark_difficult(case=case, difficult_type=p.get("difficult_type", ""), by=user)
        return _("유형별 응대 안내를 확인하세요.")
    if action == "warning":
        services.case_polite_warning(case=case, by=user, text=p.get("text", ""))
        return _("정중한 경고를 기록했습니다.")
    if action == "end_contact":
        services.case_end_contact(
            case=case, by=user, reason=p.get("reason", ""), handler=user_from("handler")
        )
        return _("상담을 종료하고 전담자에게 넘겼습니다. 잠시 쉬세요.")
    if action == "resolve":
        cost = int(p.get("cost") or 0) if str(p.get("cost") or "0").isdigit() else -1
        points = int(p.get("points") or 0) if str(p.get("points") or "0").isdigit() else -1
        root = RootCause.objects.filter(pk=p.get("root_cause") or 0).first()
        services.case_resolve(
            case=case,
            by=user,
            resolution_type=p.get("resolution_type", ""),
            note=p.get("note", ""),
            cost=cost,
            points=points,
            reaction=p.get("reaction", ""),
            root_cause=root,
            root_cause_note=p.get("root_cause_note", ""),
            override_reason=p.get("override_reason", ""),
            expected_version=version,
        )
        return _("해결로 기록했습니다. 사후 확인을 잊지 마세요.")
    if action == "close":
        services.case_close(
            case=case, by=user, override_reason=p.get("override_reason", ""), expected_version=version
        )
        return _("종결했습니다.")
    if action == "satisfaction":
        score = parse_int(p.get("score"), default=0, maximum=10)
        keep = {"yes": True, "no": False}.get(p.get("would_continue", ""))
        case = services.case_record_satisfaction(
            case=case, score=score, would_continue=keep, by=user, comment=p.get("comment", "")
        )
        return _("불만족 응답으로 재오픈되었습니다.") if case.is_open else _("사후 만족도를 기록했습니다.")
    if action == "pause":
        services.case_pause(case=case, by=user)
        return _("고객 응답 대기로 바꿨습니다(기한 정지).")
    services.case_resume(case=case, by=user)
    return _("처리를 재개했습니다.")


@permission_required("voc.view_case", raise_exception=True)
def silent(request: HttpRequest) -> HttpResponse:
    rows = [(s, mask_name(s.name)) for s in selectors.silent_dissatisfied()]
    return render(request, "voc/silent.html", {"nav": "voc", "rows": rows})


@permission_required("voc.view_customerflag", raise_exception=True)
def flag_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voc/flags.html",
        {"nav": "voc", "rows": selectors.flag_rows(), "assignees": _assignable()},
    )


@require_POST
@permission_required("voc.add_customerflag", raise_exception=True)
def flag_create(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    try:
        flags.customer_flag(
            customer=customer,
            type=request.POST.get("type", ""),
            evidence=request.POST.get("evidence", ""),
            by=staff_of(request),
        )
        messages.success(request, _("불량고객 주의 기록을 남겼습니다. 고객 화면과 모든 VOC 건에 표시됩니다."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("customers:detail", pk=customer.pk)


@require_POST
@permission_required("voc.view_customerflag", raise_exception=True)
def flag_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    flag = get_object_or_404(CustomerFlag, pk=pk)
    user = staff_of(request)
    p = request.POST
    try:
        if action == "propose" and user.has_perm("voc.change_customerflag"):
            handler = User.objects.filter(pk=p.get("handler") or 0).first()
            if handler is None:
                raise ValidationError(_("전담자를 선택하세요."))
            flags.exit_propose(flag=flag, by=user, handler=handler, note=p.get("note", ""))
        elif action == "notify" and user.has_perm("voc.change_customerflag"):
            flags.exit_notify_customer(flag=flag, by=user, how=p.get("how", ""), send=p.get("send") == "1")
        elif action in ("approve", "reject"):
            flags.exit_review(flag=flag, by=user, approve=action == "approve", note=p.get("note", ""))
        elif action == "reverse" and user.has_perm("voc.change_customerflag"):
            flags.flag_reverse(flag=flag, by=user, reason=p.get("reason", ""))
        else:
            raise PermissionDenied
        messages.success(request, _("처리했습니다."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("voc:flags")


@login_not_required
def intake(request: HttpRequest) -> HttpResponse:
    """A public web form: a customer (or anyone) tells us something; it becomes a case, kept apart from the
    customer records (dangol.voc.intake). Limited per client IP and per contact; a bot that fills in the hidden
    field is thanked like anyone else and nothing is stored."""
    form = IntakeForm(request.POST or None)
    number = None
    if request.method == "POST":
        try:
            throttle.hit("voc-intake-ip", throttle.client_key(request), public_intake.client_rules())
            if form.is_valid():
                d = form.cleaned_data
                if d["website"]:
                    number = public_intake.decoy_case_number()
                else:
                    case, _repeated = public_intake.intake_submit(
                        kind=d["kind"],
                        name=d["name"],
                        phone=d["phone"],
                        email=d["email"],
                        title=d["title"],
                        body=d["body"],
                        category=d.get("category"),
                    )
                    number = case.number
                # The confirmation is the same page for a person and for a bot caught by the hidden field.
                link = public_intake.case_link(number or "")
                return render(request, "voc/intake.html", {"form": None, "number": number, "link": link})
        except throttle.RateLimited as limited:
            return throttle.too_many_requests(request, limited)
    return render(request, "voc/intake.html", {"form": form, "number": number})


@permission_required("voc.view_case", raise_exception=True)
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The case timeline as a CSV, e.g. as evidence for a worker harmed by abuse (산업안전보건법 제41조). The
    contact is masked unless a role that may export personal data asks for it in full (?unmasked=1)."""
    case = get_object_or_404(Case, pk=pk)
    unmasked = request.GET.get("unmasked") == "1" and request.user.has_perm("customers.export_personal_data")
    contact = case_contact(case, unmasked=unmasked)
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.EXPORT,
        fields=["case_timeline", *(CONTACT_FIELDS if unmasked else ())],
        customer_id=case.customer_id,
        request=request,
        detail=f"VOC 경과 내보내기 {case.number}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-timeline.csv"'
    response.write("\ufeff")
    writer = safe_writer(response)
    writer.writerow(["at", "by", "kind", "message"])
    opened = timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M:%S")
    if case.contact_name or case.contact_info:
        writer.writerow([opened, "", "contact", f"{contact.name} {contact.info}".strip()])
    writer.writerow([opened, "", "body", case.body])
    for event in case.events.select_related("by").order_by("at", "id"):
        writer.writerow(
            [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.by.get_username() if event.by else "",
                event.kind,
                event.message,
            ]
        )
    return response
