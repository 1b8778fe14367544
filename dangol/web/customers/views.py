"""Customer pages: the searchable list and the 360 view with its htmx actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangol.accounts.services import staff_of
from dangol.common.csv import safe_writer
from dangol.common.params import parse_int
from dangol.customers import selectors, services
from dangol.customers.display import PERSONAL_FIELDS, customer_card, masked_address_as
from dangol.customers.merging import moved_summary
from dangol.customers.models import Consent, ConsentPurpose, Customer, CustomerMerge, Tag
from dangol.interactions.models import Interaction, Touchpoint
from dangol.interactions.services import interaction_log
from dangol.loyalty.selectors import customer_value
from dangol.privacy.masking import mask_email, mask_name, mask_phone
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write, can_see_personal_data
from dangol.promises import services as promises
from dangol.promises.models import Promise
from dangol.promises.services import promise_make
from dangol.voc.selectors import customer_voc
from dangol.web.customers import timeline
from dangol.web.customers.forms import (
    ConsentForm,
    CustomerFilterForm,
    CustomerForm,
    InteractionForm,
    NoteForm,
    PreferenceForm,
    PromiseForm,
    TimelineFilterForm,
)

PAGE_SIZE = 25


def _filters(request: HttpRequest) -> tuple[CustomerFilterForm, selectors.CustomerFilters]:
    form = CustomerFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        return form, selectors.CustomerFilters(
            q=d["q"] or "",
            tag=d["tag"] or "",
            consent_stage=d["consent_stage"] or "",
            store=d["store"].pk if d["store"] else None,
            joined_from=d["joined_from"],
            joined_to=d["joined_to"],
            tier=d["tier"] or "",
            stage=d["stage"] or "",
        )
    return form, selectors.CustomerFilters()


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = selectors.customer_search(filters)
    # Count with a cap: an exact count over a million rows is slower than the page itself.
    page_number = parse_int(request.GET.get("page"), default=1, minimum=1, maximum=100_000)
    rows = list(qs[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context: dict[str, Any] = {
        "nav": "customers",
        "form": form,
        "rows": [
            {"c": c, "name": mask_name(c.name), "phone": mask_phone(c.phone), "email": mask_email(c.email)}
            for c in rows
        ],
        "page": page_number,
        "has_next": has_next,
        "has_prev": page_number > 1,
        "tags": Tag.objects.all()[:200],
        "can_export_pii": request.user.has_perm("customers.export_personal_data"),
    }
    template = (
        "customers/_rows.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "customer-rows"
        else "customers/list.html"
    )
    return render(request, template, context)


def _export_rows(qs: Any, *, unmasked: bool) -> Iterator[list[str]]:
    yield ["id", "external_id", "name", "phone", "email", "joined_at", "consent_stage", "acquisition_channel"]
    for c in qs.iterator(chunk_size=2000):
        yield [
            str(c.pk),
            c.external_id or "",
            c.name if unmasked else mask_name(c.name),
            c.phone if unmasked else mask_phone(c.phone),
            c.email if unmasked else mask_email(c.email),
            timezone.localtime(c.joined_at).strftime("%Y-%m-%d %H:%M"),
            c.consent_stage,
            c.acquisition_channel,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_export(request: HttpRequest) -> StreamingHttpResponse:
    _, filters = _filters(request)
    qs = selectors.customer_search(filters)
    unmasked = request.user.has_perm("customers.export_personal_data") and request.GET.get("unmasked") == "1"
    if unmasked:
        access_log_write(
            staff=staff_of(request),
            action=AccessLog.Action.EXPORT,
            fields=["name", "phone", "email"],
            customer_id=None,
            customer_count=qs.count(),
            request=request,
            detail=f"고객 목록 내보내기 {request.GET.urlencode()}"[:300],
        )
    writer = safe_writer(_Echo())
    stream = ("\ufeff" if i == 0 else "" for i in range(1))
    body = (*stream, *(writer.writerow(row) for row in _export_rows(qs, unmasked=unmasked)))
    response = StreamingHttpResponse(iter(body), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response


def _customer(pk: int) -> Customer:
    customer = get_object_or_404(Customer.objects.select_related("home_store"), pk=pk)
    return customer


TIMELINE_PAGE = 50


def _timeline_context(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    """The timeline part of the 360 page: filters from the query string, one page, the link to older entries."""
    filter_form = TimelineFilterForm(request.GET or None)
    kind, touchpoint_id, interaction_type, before = "", None, "", None
    if filter_form.is_bound and filter_form.is_valid():
        kind = filter_form.cleaned_data["kind"] or ""
        touchpoint_id = filter_form.cleaned_data["touchpoint"]
        interaction_type = filter_form.cleaned_data["type"] or ""
        before = filter_form.cleaned_data["before"]
    user = staff_of(request)
    page = timeline.customer_timeline_page(
        customer,
        user=user,
        kind=kind,
        touchpoint_id=touchpoint_id,
        before=before,
        interaction_type=interaction_type,
        size=TIMELINE_PAGE,
    )
    older = ""
    if page.older_before:
        query = {"kind": kind, "touchpoint": touchpoint_id or "", "type": interaction_type}
        older = urlencode({**{k: v for k, v in query.items() if v}, "before": page.older_before.isoformat()})
    return {
        "customer": customer,
        "timeline": page.entries,
        "timeline_kinds": timeline.timeline_kinds_for(user),
        "timeline_kind": kind,
        "timeline_type": interaction_type,
        "timeline_touchpoint": touchpoint_id,
        "timeline_before": before,
        "timeline_older": older,
        "interaction_types": Interaction.Type.choices,
        "touchpoints": Touchpoint.objects.filter(is_active=True),
    }


def _profile_context(request: HttpRequest, customer: Customer, *, unmasked: bool = False) -> dict[str, Any]:
    consents = {c.purpose: c for c in Consent.objects.filter(customer=customer)}
    notes = list(customer.notes.select_related("author__staff").order_by("-pinned", "-created_at")[:5])
    return {
        "nav": "customers",
        "customer": customer,
        "card": customer_card(customer, unmasked=unmasked),
        "address_as": masked_address_as(customer, unmasked=unmasked),
        "can_reveal": can_see_personal_data(request.user),
        "summary": timeline.customer_summary(customer),
        "preferences": selectors.latest_preferences(customer),
        "notes": notes,
        "consents": [(value, label, consents.get(value)) for value, label in ConsentPurpose.choices],
        **_timeline_context(request, customer),
        "tags": list(customer.tags.all()),
        "duplicates": services.duplicates_of(customer) if customer.status == Customer.Status.ACTIVE else [],
        "merges": selectors.customer_merges(customer),
        "voc": customer_voc(customer.pk),
        "value": customer_value(customer.pk),
        "note_form": NoteForm(),
        "interaction_form": InteractionForm(),
        "promise_form": PromiseForm(),
        "preference_form": PreferenceForm(),
    }


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    if customer.status == Customer.Status.MERGED and customer.merged_into_id:
        messages.info(request, _("병합된 고객입니다. 통합된 고객 화면으로 이동했습니다."))
        return redirect("customers:detail", pk=customer.merged_into_id)
    return render(request, "customers/detail.html", _profile_context(request, customer))


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_timeline_partial(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    # "Older" appends rows in place of its own link; a tab or filter change replaces the whole timeline.
    older = request.headers.get("HX-Target") == "timeline-older"
    template = "customers/_timeline_rows.html" if older else "customers/_timeline.html"
    return render(request, template, _timeline_context(request, customer))


@require_POST
def customer_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_see_personal_data(request.user):
        raise PermissionDenied
    customer = _customer(pk)
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.VIEW,
        fields=PERSONAL_FIELDS,
        customer_id=customer.pk,
        request=request,
        detail="고객 360 개인정보 보기",
    )
    return render(request, "customers/_card.html", _profile_context(request, customer, unmasked=True))


def _form_errors(form_id: str, errors: Any) -> HttpResponse:
    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {"__all__": errors.messages}
    response = render_errors(errors)
    response["HX-Retarget"] = f"#{form_id}-errors"
    response["HX-Reswap"] = "innerHTML"
    return response


def render_errors(errors: dict[str, list[str]] | Any) -> HttpResponse:
    from django.utils.html import format_html_join

    items = [(msg,) for msgs in dict(errors).values() for msg in msgs]
    return HttpResponse(format_html_join("", '<p class="error" role="alert">{}</p>', items))


def _live(request: HttpRequest, customer: Customer, flash: str) -> HttpResponse:
    context = _profile_context(request, customer)
    context["flash"] = flash
    return render(request, "customers/_live.html", context)


@require_POST
@permission_required("promises.change_promise", raise_exception=True)
def promise_resolve(request: HttpRequest, promise_pk: int) -> HttpResponse:
    """Kept or broken, recorded from the 360 page; answers with the page's live part."""
    promise = get_object_or_404(Promise, pk=promise_pk)
    flash = _("약속 이행 여부를 기록했습니다.")
    try:
        promises.promise_resolve(promise=promise, kept=request.POST.get("kept") == "1", by=staff_of(request))
    except ValidationError as exc:
        flash = " ".join(exc.messages)
    except PermissionDenied as exc:
        flash = str(exc)
    return _live(request, promise.customer, flash)


@require_POST
@permission_required("customers.add_note", raise_exception=True)
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _form_errors("note", form.errors)
    try:
        services.note_add(
            customer=customer,
            body=form.cleaned_data["body"],
            by=staff_of(request),
            pinned=form.cleaned_data["pinned"],
        )
    except ValidationError as exc:
        return _form_errors("note", exc)
    return _live(request, customer, _("메모를 저장했습니다."))


@require_POST
@permission_required("interactions.add_interaction", raise_exception=True)
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = InteractionForm(request.POST)
    if not form.is_valid():
        return _form_errors("interaction", form.errors)
    try:
        interaction_log(customer=customer, staff=staff_of(request), **form.cleaned_data)
    except ValidationError as exc:
        return _form_errors("interaction", exc)
    return _live(request, customer, _("상호작용을 기록했습니다."))


@require_POST
@permission_required("promises.add_promise", raise_exception=True)
def promise_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = PromiseForm(request.POST)
    if not form.is_valid():
        return _form_errors("promise", form.errors)
    try:
        promise_make(customer=customer, owner=staff_of(request), by=staff_of(request), **form.cleaned_data)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _form_errors("promise", exc)
    return _live(request, customer, _("약속을 등록했습니다. 기한 안에 지켜 주세요."))


@require_POST
@permission_required("customers.add_preference", raise_exception=True)
def preference_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _form_errors("preference", form.errors)
    services.preference_set(customer=customer, by=staff_of(request), **form.cleaned_data)
    return _live(request, customer, _("고객이 알려 준 내용을 저장했습니다."))


@require_POST
@permission_required("customers.change_consent", raise_exception=True)
def consent_update(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _form_errors("consent", form.errors)
    services.consent_set(
        customer=customer,
        purpose=form.cleaned_data["purpose"],
        granted=form.cleaned_data["granted"],
        source=form.cleaned_data["source"] or "staff",
        by=staff_of(request),
    )
    return _live(request, customer, _("동의 상태를 변경했습니다."))


@require_POST
@permission_required("customers.merge_customer", raise_exception=True)
def customer_merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = _customer(pk)
    other_id = parse_int(request.POST.get("other"), minimum=1)
    if other_id is None:
        messages.error(request, _("병합할 고객을 선택하세요."))
        return redirect("customers:detail", pk=pk)
    merged = _customer(other_id)
    try:
        merge = services.customers_merge(survivor=survivor, merged=merged, by=staff_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        moved = _moved_text(merge.moved)
        if moved:
            messages.success(request, _("중복 고객을 병합했습니다. 옮긴 기록: %(moved)s.") % {"moved": moved})
        else:
            messages.success(request, _("중복 고객을 병합했습니다. 옮길 기록은 없었습니다."))
    return redirect("customers:detail", pk=pk)


def _moved_text(moved: dict[str, Any]) -> str:
    return ", ".join(
        _("%(kind)s %(count)s건") % {"kind": label, "count": count} for label, count in moved_summary(moved)
    )


@require_POST
@permission_required("customers.merge_customer", raise_exception=True)
def merge_undo(request: HttpRequest, merge_pk: int) -> HttpResponse:
    merge = get_object_or_404(CustomerMerge, pk=merge_pk)
    try:
        merge = services.customers_unmerge(merge=merge, by=staff_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("customers:detail", pk=merge.survivor_id)
    moved = _moved_text(merge.moved["returned"])
    text = _("병합을 취소했습니다. 고객 #%(pk)s이(가) 다시 활성 상태입니다.") % {"pk": merge.merged_id}
    if moved:
        text += " " + _("되돌린 기록: %(moved)s.") % {"moved": moved}
    messages.success(request, text)
    return redirect("customers:detail", pk=merge.merged_id)


def _customer_form_data(form: CustomerForm) -> tuple[dict[str, Any], list[str]]:
    data = dict(form.cleaned_data)
    store = data.pop("home_store")
    data["home_store_id"] = store.pk if store else None
    tags = [t.strip() for t in data.pop("tags", "").split(",") if t.strip()]
    return data, tags


def _apply_errors(form: CustomerForm, exc: ValidationError) -> None:
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@permission_required("customers.add_customer", raise_exception=True)
def customer_new(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, tags = _customer_form_data(form)
        try:
            customer = services.customer_create(data=data, tags=tags)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("고객을 등록했습니다."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"nav": "customers", "form": form, "title": _("새 고객 등록")}
    )


@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # The form shows unmasked values, so editing needs the personal-data permission and is logged.
    if not can_see_personal_data(request.user):
        raise PermissionDenied
    customer = _customer(pk)
    initial = {
        f: getattr(customer, f)
        for f in (
            "name",
            "preferred_name",
            "phone",
            "email",
            "birth_date",
            "gender",
            "address",
            "external_id",
            "acquisition_channel",
        )
    }
    initial["home_store"] = customer.home_store_id
    initial["tags"] = ", ".join(t.name for t in customer.tags.all())
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, tags = _customer_form_data(form)
        try:
            services.customer_update(
                customer=customer,
                data=data,
                expected_version=parse_int(request.POST.get("version"), default=customer.version),
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            customer.tags.set(services.tags_get_or_create(tags))
            access_log_write(
                staff=staff_of(request),
                action=AccessLog.Action.CHANGE,
                fields=list(form.changed_data),
                customer_id=customer.pk,
                request=request,
                detail="고객 정보 수정",
            )
            messages.success(request, _("고객 정보를 저장했습니다."))
            return redirect("customers:detail", pk=customer.pk)
    elif request.method == "GET":
        access_log_write(
            staff=staff_of(request),
            action=AccessLog.Action.VIEW,
            fields=PERSONAL_FIELDS,
            customer_id=customer.pk,
            request=request,
            detail="고객 정보 수정 화면",
        )
    return render(
        request,
        "customers/form.html",
        {
            "nav": "customers",
            "form": form,
            "title": _("고객 정보 수정"),
            "customer": customer,
        },
    )
