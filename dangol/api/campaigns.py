"""Segments for integrations (mounted at /api/segments). Scope: segments:read.

The list names each saved segment; one segment answers how many customers it holds now (a dynamic segment is
evaluated on the request, a frozen one counts its stored list). No personal data: members are not listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from dangol.api.scopes import ApiProblem, require_scope
from dangol.campaigns import selectors
from dangol.campaigns.conditions import describe
from dangol.campaigns.models import Segment

router = Router(tags=["segments"])

READ = "segments:read"


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    kind: str
    definition: list[dict[str, Any]]
    created_at: dt.datetime
    frozen_at: dt.datetime | None


class SegmentCountOut(SegmentOut):
    count: int
    conditions: list[str]


def _out(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.pk,
        "name": segment.name,
        "description": segment.description,
        "kind": segment.kind,
        "definition": segment.definition,
        "created_at": segment.created_at,
        "frozen_at": segment.frozen_at,
    }


@router.get("", response=list[SegmentOut])
def segment_list(request: HttpRequest) -> Any:
    """저장된 세그먼트(이름순)."""
    require_scope(request, READ)
    return [_out(s) for s in selectors.segments()]


@router.get("/{segment_id}", response=SegmentCountOut)
def segment_detail(request: HttpRequest, segment_id: int) -> Any:
    """세그먼트 하나와 지금 대상 고객 수(동적 세그먼트는 요청 때 다시 계산)."""
    require_scope(request, READ)
    segment = Segment.objects.filter(pk=segment_id).first() if 0 < segment_id < 2**62 else None
    if segment is None:
        raise ApiProblem(
            404, "not_found", message=_("세그먼트를 찾을 수 없습니다."), message_en="Segment not found."
        )
    return {
        **_out(segment),
        "count": selectors.segment_count(segment),
        "conditions": describe(segment.definition),
    }
