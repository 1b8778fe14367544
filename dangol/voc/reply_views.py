"""The team's empathetic reply templates, kept by managers on a page (agents see them on the case screen)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangol.accounts.services import staff_of
from dangol.voc import replies
from dangol.voc.models import ReplyTemplate


def _choices(values: tuple[str, ...], anything: str) -> list[tuple[str, str]]:
    return [("", anything), *((v, str(replies.READING_LABELS.get(v, v))) for v in values)]


class ReplyTemplateForm(forms.Form):
    intent = forms.ChoiceField(label=gettext_lazy("의도"), required=False)
    emotion = forms.ChoiceField(label=gettext_lazy("감정"), required=False)
    text = forms.CharField(
        label=gettext_lazy("답변 문안"),
        max_length=replies.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("{issue} 자리에는 고객의 용건(분류나 읽어 낸 핵심어)이 들어갑니다."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("사용"), required=False, initial=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["intent"].choices = _choices(replies.INTENTS, _("모든 의도"))  # type: ignore[attr-defined]
        self.fields["emotion"].choices = _choices(replies.EMOTIONS, _("모든 감정"))  # type: ignore[attr-defined]


@permission_required("voc.change_replytemplate", raise_exception=True)
def reply_template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "voc/replies.html",
        {"nav": "voc", "templates": replies.reply_templates(), "form": ReplyTemplateForm()},
    )


@permission_required("voc.change_replytemplate", raise_exception=True)
def reply_template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=pk) if pk else None
    if template is not None:
        initial = {
            "intent": template.intent,
            "emotion": template.emotion,
            "text": template.text,
            "is_active": template.is_active,
        }
    else:
        initial = {"is_active": True}
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            replies.reply_template_save(
                template=template,
                intent=d["intent"],
                emotion=d["emotion"],
                text=d["text"],
                is_active=d["is_active"],
                by=staff_of(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("답변 문안을 저장했습니다. 상담 화면에 바로 쓰입니다."))
            return redirect("voc:replies")
    return render(request, "voc/reply_edit.html", {"nav": "voc", "form": form, "template": template})


@require_POST
@permission_required("voc.change_replytemplate", raise_exception=True)
def reply_template_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=pk)
    try:
        replies.reply_template_set_active(
            template=template, active=not template.is_active, by=staff_of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("다시 사용합니다.") if template.is_active else _("사용을 멈췄습니다. 기록은 남아 있습니다."),
        )
    return redirect("voc:replies")
