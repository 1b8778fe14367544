"""The staff page: admins list staff, create logins, set role and team, and deactivate logins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangol.accounts import services
from dangol.accounts.forms import StaffChangeForm, StaffCreateForm


def _staff() -> list[User]:
    return list(
        User.objects.select_related("staff__team").order_by("-is_active", "staff__team__name", "username")
    )


@permission_required("accounts.view_staffprofile", raise_exception=True)
def staff_list(request: HttpRequest) -> HttpResponse:
    """The staff list with the form that creates a login (POST here creates one)."""
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("accounts.add_staffprofile"):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            user = services.staff_create(
                username=d["username"],
                password=d["password"],
                role=d["role"],
                team=d["team"],
                display_name=d["display_name"],
                email=d["email"],
            )
            messages.success(
                request,
                _("‘%(name)s’(%(username)s) 로그인을 만들었습니다. 처음 비밀번호를 본인에게 전달하세요.")
                % {"name": user.staff.display_name, "username": user.username},
            )
            return redirect("accounts:staff")
    return render(request, "accounts/staff_list.html", {"nav": "staff", "form": form, "people": _staff()})


@permission_required("accounts.change_staffprofile", raise_exception=True)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("staff__team"), pk=pk)
    profile = getattr(person, "staff", None)
    initial = {
        "display_name": profile.display_name if profile else person.username,
        "role": profile.role if profile else "",
        "team": profile.team_id if profile else None,
    }
    form = StaffChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.staff_change(
                user=person,
                role=d["role"],
                team=d["team"],
                display_name=d["display_name"],
                by=services.staff_of(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("‘%(name)s’의 역할과 팀을 저장했습니다.") % {"name": d["display_name"]}
            )
            return redirect("accounts:staff")
    return render(request, "accounts/staff_edit.html", {"nav": "staff", "form": form, "person": person})


@require_POST
@permission_required("accounts.change_staffprofile", raise_exception=True)
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(user=person, active=active, by=services.staff_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:staff_edit", pk=pk)
    if active:
        messages.success(
            request, _("‘%(username)s’ 로그인을 다시 쓸 수 있게 했습니다.") % {"username": person.username}
        )
    else:
        messages.success(
            request,
            _("‘%(username)s’ 로그인을 비활성화했습니다. 더 이상 로그인할 수 없습니다.")
            % {"username": person.username},
        )
    return redirect("accounts:staff")
