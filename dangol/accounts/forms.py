"""Forms of the staff page (admins create logins and set roles and teams)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from dangol.accounts.models import Role, Team


def _team_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("팀"), queryset=Team.objects.order_by("name"), required=False, empty_label=_("팀 없음")
    )


class StaffCreateForm(forms.Form):
    username = forms.CharField(
        label=_("아이디"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("로그인에 쓰는 아이디입니다. 영문, 숫자와 @ . + - _ 만 쓸 수 있습니다."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(label=_("표시 이름"), max_length=60, help_text=_("예: 김민지 팀장"))
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices, initial=Role.AGENT)
    team = _team_field()
    email = forms.EmailField(label=_("이메일"), required=False)
    password = forms.CharField(
        label=_("처음 비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8자 이상. 본인에게 따로 전달하세요."),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("이미 있는 아이디입니다."))
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password"):
            user = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class StaffChangeForm(forms.Form):
    display_name = forms.CharField(label=_("표시 이름"), max_length=60)
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices)
    team = _team_field()
