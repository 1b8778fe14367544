"""Customer pages: the searchable list and the 360 view with its htmx actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangol.accounts.services import staff_of
from dangol.common.csv import safe_writer
from dangol.common.korean import particle
from dangol.common.params import parse_int
from dangol.customers import selectors, services
from dangol.customers.display import PERSONAL_FIELDS, customer_card, masked_address_as
from dangol.customers.history import choice_label
from dangol.customers.merging import moved_summary
from dangol.customers.models import Consent, ConsentPurpose, Customer, CustomerMerge, CustomerSegment, Tag
from dangol.interactions.models import Interaction, Touchpoint
from dangol.interactions.services import interaction_log
from dangol.loyalty.models import RFM_SEGMENTS_KO
from dangol.loyalty.selectors import customer_value
from dangol.privacy.masking import mask_email, mask_name, mask_phone
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write, can_see_personal_data
from dangol.promises import services as promises
from dangol.promises.models import Promise
from dangol.promises.services import promise_make
from dangol.rewards.selectors import customer_rewards_line, customers_in_tier
from dangol.voc.selectors import customer_voc
from dangol.web.customers import fragments, timeline
from dangol.web.customers.forms import (
    ConsentForm,
    CustomerFilterForm,
    CustomerForm,
    InteractionForm,
    NoteForm,
    PreferenceForm,
    PromiseForm,
    SegmentSaveForm,
    TimelineFilterForm,
)

PAGE_SIZE = 25
# The list counts at most this many matches, exactly below it: past it "10,000명 이상" says enough, and the
# count of an unfiltered list (or of a common surname) stays an index walk of 10,001 entries at any size.
COUNT_CAP = 10_000


def _filters(data: QueryDict) -> tuple[CustomerFilterForm, selectors.CustomerFilters]:
    """The list's filters from a query string. Invalid fields are left out (and shown as errors)."""
    form = CustomerFilterForm(data or None)
    if not form.is_bound:
        return form, selectors.CustomerFilters()
    form.is_valid()
    d = form.cleaned_data

    def percent(name: str) -> float | None:
        return d[name] / 100 if d.get(name) is not None else None

    store = d.get("store")
    return form, selectors.CustomerFilters(
        q=d.get("q") or "",
        tag=d.get("tag") or "",
        consent_stage=d.get("consent_stage") or "",
        store=store.pk if store else None,
        joined_from=d.get("joined_from"),
        joined_to=d.get("joined_to"),
        tier=d.get("tier") or "",
        stage=d.get("stage") or "",
        rfm_segment=d.get("rfm") or "",
        alive_min=percent("alive_min"),
        alive_max=percent("alive_max"),
        clv_min=d.get("clv_min"),
        clv_max=d.get("clv_max"),
        movement=d.get("movement") or "",
        nps=d.get("nps") or "",
        sort=d.get("sort") or "",
    )


def _list_query(form: CustomerFilterForm) -> str:
    """The valid filters as a query string, in a fixed order (the link a saved segment opens)."""
    data = form.cleaned_data if form.is_bound else {}
    pairs = []
    for name in CustomerFilterForm.FILTER_FIELDS:
        value = data.get(name)
        if value in (None, ""):
            continue
        pairs.append((name, value.pk if hasattr(value, "pk") else value))
    return urlencode(pairs)


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (ascending first, then toggles) and its arrow."""
    links = {}
    for key in selectors.SORT_KEYS:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current == key else key
        aria = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        arrow = {"ascending": " ↑", "descending": " ↓"}.get(aria, "")
        links[key] = {"url": "?" + params.urlencode(), "arrow": arrow, "aria": aria}
    return links


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request.GET)
    qs = _with_membership_filter(form, selectors.customer_search(filters))
    page_number = parse_int(request.GET.get("page"), default=1, minimum=1, maximum=100_000)
    offset = (page_number - 1) * PAGE_SIZE
    rows = selectors.customer_page(qs, offset=offset, limit=PAGE_SIZE + 1, related=("membership__tier",))
    has_next = len(rows) > PAGE_SIZE
    if not has_next and (rows or not offset):
        # The last page (most searches have one): the matches are the pages before it and its rows, no count.
        total, more = min(offset + len(rows), COUNT_CAP), offset + len(rows) > COUNT_CAP
    else:
        total, more = selectors.customer_count(qs, cap=COUNT_CAP)
    rows = rows[:PAGE_SIZE]
    context: dict[str, Any] = {
        "nav": "customers",
        "form": form,
        "rows": [_list_row(c) for c in rows],
        "total": total,
        "total_more": more,
        "sort": filters.sort,
        "sort_links": _sort_links(request, filters.sort),
        "segment_query": _without_page(request),
        "page": page_number,
        "has_next": has_next,
        "has_prev": page_number > 1,
        "tags": Tag.objects.all()[:200],
        "segments": selectors.segments() if request.user.has_perm("customers.view_customersegment") else [],
        "segment_form": SegmentSaveForm(),
        "can_export_pii": request.user.has_perm("customers.export_personal_data"),
    }
    template = (
        "customers/_rows.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "customer-rows"
        else "customers/list.html"
    )
    return render(request, template, context)


def _with_membership_filter(form: CustomerFilterForm, qs: Any) -> Any:
    """The membership tier filter (rewards) on top of the customers app's own filters."""
    code = form.cleaned_data.get("membership") if form.is_bound and hasattr(form, "cleaned_data") else ""
    return customers_in_tier(qs, code) if code else qs


def _membership_of(customer: Customer) -> Any:
    try:
        return customer.membership.tier  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def _value_of(customer: Customer) -> Any:
    """The customer's computed value (tier, stage, CLV, P(alive), RFM), or None before the first run."""
    try:
        return customer.value  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def _rfm_label(code: str) -> str:
    return _(RFM_SEGMENTS_KO[code]) if code in RFM_SEGMENTS_KO else code


def _display(obj: Model, field: str) -> Any:
    """What `obj.get_<field>_display()` returns, in the current language."""
    return choice_label(type(obj), field, getattr(obj, field))


def _list_row(c: Customer) -> dict[str, Any]:
    value = _value_of(c)
    return {
        "c": c,
        "name": mask_name(c.name),
        "phone": mask_phone(c.phone),
        "email": mask_email(c.email),
        "value": value,
        "tier": _display(value, "value_tier") if value and value.value_tier else "",
        "stage": _display(value, "stage") if value and value.stage else "",
        "consent": _display(c, "consent_stage"),
        "membership": _membership_of(c),
        "rfm": _rfm_label(value.rfm_segment) if value else "",
        "alive": _percent(value.probability_alive_shown) if value else "",
    }


def _export_header() -> list[str]:
    return [
        _("고객 번호"),
        _("외부 ID"),
        _("이름"),
        _("전화번호"),
        _("이메일"),
        _("가입일시"),
        _("동의 단계"),
        _("유입 경로"),
        _("주 이용 매장"),
        _("가치 등급"),
        _("관계 단계"),
        _("예상 CLV(원)"),
        _("활동 확률(%)"),
        _("RFM 세그먼트"),
        _("최근 NPS"),
    ]


def _export_rows(qs: Any, *, unmasked: bool) -> Iterator[list[Any]]:
    yield _export_header()
    for c in selectors.with_last_nps(qs).iterator(chunk_size=2000):
        value = _value_of(c)
        last_nps = getattr(c, "last_nps", None)  # annotated by with_last_nps
        yield [
            c.pk,
            c.external_id or "",
            c.name if unmasked else mask_name(c.name),
            c.phone if unmasked else mask_phone(c.phone),
            c.email if unmasked else mask_email(c.email),
            timezone.localtime(c.joined_at).strftime("%Y-%m-%d %H:%M"),
            _display(c, "consent_stage"),
            _display(c, "acquisition_channel"),
            c.home_store.name if c.home_store else "",
            _display(value, "value_tier") if value else "",
            _display(value, "stage") if value else "",
            value.clv if value else "",
            _percent(value.probability_alive_shown) if value else "",
            _rfm_label(value.rfm_segment) if value else "",
            "" if last_nps is None else last_nps,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def customer_export(request: HttpRequest) -> HttpResponseBase:
    form, filters = _filters(request.GET)
    if form.is_bound and not form.is_valid():
        # Exporting with a filter silently dropped would hand out more customers than asked for.
        return HttpResponseBadRequest(_("필터 값이 올바르지 않습니다. 고객 목록에서 다시 내보내 주세요."))
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


@require_POST
@permission_required("customers.add_customersegment", raise_exception=True)
def segment_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filter under a name (the form sends the list's query string along)."""
    save_form = SegmentSaveForm(request.POST)
    query = request.POST.get("query", "")[:1000]
    form, filters = _filters(QueryDict(query))
    back = reverse("customers:list") + (f"?{query}" if query else "")
    if not save_form.is_valid() or (form.is_bound and not form.is_valid()):
        messages.error(request, _("세그먼트 이름과 필터를 확인하세요."))
        return redirect(back)
    try:
        segment = services.segment_save(
            name=save_form.cleaned_data["name"],
            query=_list_query(form),
            filters=filters,
            by=staff_of(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("현재 필터를 ‘%(name)s’ 세그먼트로 저장했습니다.") % {"name": segment.name})
    return redirect(reverse("customers:list") + (f"?{segment.query}" if segment.query else ""))


@require_POST
@permission_required("customers.delete_customersegment", raise_exception=True)
def segment_delete(request: HttpRequest, segment_pk: int) -> HttpResponse:
    segment = get_object_or_404(CustomerSegment, pk=segment_pk)
    services.segment_delete(segment=segment)
    messages.success(request, _("‘%(name)s’ 세그먼트를 삭제했습니다.") % {"name": segment.name})
    return redirect("customers:list")


def _customer(pk: int) -> Customer:
    customer = get_object_or_404(Customer.objects.select_related("home_store"), pk=pk)
    return customer


TIMELINE_PAGE = 50


def _timeline_context(
    request: HttpRequest,
    customer: Customer,
    *,
    present: frozenset[str] | None = None,
    rows_only: bool = False,
) -> dict[str, Any]:
    """The timeline part of the 360 page: filters from the query string, one page, the link to older entries.
    `present`: the page's probe of the customer's sources, when it has one (else the timeline probes).
    `rows_only`: for the "older" link, which draws the rows alone (no tabs, no filter selects)."""
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
        present=present,
    )
    older = ""
    if page.older_before:
        query = {"kind": kind, "touchpoint": touchpoint_id or "", "type": interaction_type}
        older = urlencode({**{k: v for k, v in query.items() if v}, "before": page.older_before.isoformat()})
    timeline_url = reverse("customers:timeline", args=[customer.pk])
    context = {
        "customer": customer,
        "timeline_rows": fragments.timeline_rows(
            page.entries,
            customer_pk=customer.pk,
            can_add_case=request.user.has_perm("voc.add_case"),
            before=before,
            older=older,
            timeline_url=timeline_url,
        ),
        "newest_interaction_at": timeline.newest_interaction_at(
            page, kind=kind, touchpoint_id=touchpoint_id, interaction_type=interaction_type, before=before
        ),
        "timeline": page.entries,
        "timeline_kind": kind,
        "timeline_type": interaction_type,
        "timeline_touchpoint": touchpoint_id,
        "timeline_before": before,
        "timeline_older": older,
    }
    if rows_only:
        return context
    touchpoints = list(Touchpoint.objects.filter(is_active=True).values_list("pk", "name"))
    return {
        **context,
        "timeline_tabs": fragments.timeline_tabs(
            timeline.timeline_kinds_for(user), current=kind, timeline_url=timeline_url
        ),
        "timeline_touchpoint_options": fragments.filter_options(touchpoints, selected=touchpoint_id),
        "timeline_type_options": fragments.filter_options(
            Interaction.Type.choices, selected=interaction_type
        ),
        "touchpoints": touchpoints,  # (pk, name) of the active ones, for the interaction form too
    }


def _profile_context(request: HttpRequest, customer: Customer, *, unmasked: bool = False) -> dict[str, Any]:
    # One probe of the customer's tables first: the sections below skip the reads of the empty ones.
    present = timeline.sources_with_rows(customer.pk)
    # (consents are read whatever the probe says: its "consent" source is the change history, not Consent)
    consents = {c.purpose: c for c in Consent.objects.filter(customer=customer)}
    notes = []
    if "note" in present:
        notes = list(customer.notes.select_related("author__staff").order_by("-pinned", "-created_at")[:5])
    timeline_part = _timeline_context(request, customer, present=present)
    summary = timeline.customer_summary(
        customer, present=present, last_interaction_at=timeline_part["newest_interaction_at"]
    )
    return {
        "nav": "customers",
        "customer": customer,
        "card": customer_card(customer, unmasked=unmasked),
        "address_as": masked_address_as(customer, unmasked=unmasked),
        "can_reveal": can_see_personal_data(request.user),
        "summary": summary,
        "preferences": selectors.latest_preferences(customer) if "preference" in present else [],
        "notes": notes,
        "consents": [(value, label, consents.get(value)) for value, label in ConsentPurpose.choices],
        **timeline_part,
        "touchpoint_options": fragments.form_options(timeline_part["touchpoints"]),
        "interaction_type_options": fragments.form_options(Interaction.Type.choices),
        "tags": list(customer.tags.all()) if "tag" in present else [],
        "duplicates": services.duplicates_of(customer) if customer.status == Customer.Status.ACTIVE else [],
        "merges": selectors.customer_merges(customer) if "merge" in present else [],
        "voc": customer_voc(customer.pk, with_flag="flag" in present, with_cases="case" in present),
        "value": customer_value(customer.pk) if "value" in present else None,
        "rewards": customer_rewards_line(customer),
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
    return render(request, template, _timeline_context(request, customer, rows_only=older))


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
    name = mask_name(merge.merged.name)
    text = _("병합을 취소했습니다. 고객 %(name)s%(i_ga)s 다시 활성 상태입니다.") % {
        "name": name,
        # 홍*동이, 김*수가; the English keeps the placeholder empty
        "i_ga": particle(name, "이/가") if (get_language() or "ko").startswith("ko") else "",
    }
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
