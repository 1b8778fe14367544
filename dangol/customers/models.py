from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("이름"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("태그")
        verbose_name_plural = _("태그")

    def __str__(self) -> str:
        return self.name


class ConsentStage(models.TextChoices):
    """A summary of a customer's consents, kept on the customer for filtering."""

    NONE = "none", _("필수 미동의")
    REQUIRED = "required", _("필수만 동의")
    MARKETING_PARTIAL = "marketing_partial", _("마케팅 일부 동의")
    MARKETING_ALL = "marketing_all", _("마케팅 전체 동의")


class Customer(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "F", _("여성")
        MALE = "M", _("남성")
        OTHER = "O", _("기타")

    class Status(models.TextChoices):
        ACTIVE = "active", _("활성")
        MERGED = "merged", _("병합됨")
        FORGOTTEN = "forgotten", _("파기됨")

    class Channel(models.TextChoices):
        STORE = "store", _("매장")
        ONLINE = "online", _("온라인몰")
        APP = "app", _("앱")
        CALL_CENTER = "call_center", _("콜센터")
        REFERRAL = "referral", _("추천")
        ADS = "ads", _("광고")
        OTHER = "other", _("기타")

    # name, email and phone_last4 are indexed together with status (Meta.indexes): the search counts its matches
    # up to a cap, and with the status in the index that count reads the index alone; with the id (and the join
    # time) after it, the search's page of ids comes off the index in the page's order and the read stops at the
    # page (bench/pages). SQLite keeps the rowid in every index anyway; PostgreSQL needs the id written.
    name = models.CharField(_("이름"), max_length=60)
    preferred_name = models.CharField(_("호칭"), max_length=60, blank=True)
    phone = models.CharField(_("전화번호"), max_length=20, blank=True, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True)
    email = models.EmailField(_("이메일"), blank=True)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    gender = models.CharField(_("성별"), max_length=1, choices=Gender.choices, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    external_id = models.CharField(_("외부 ID"), max_length=64, unique=True, null=True, blank=True)
    joined_at = models.DateTimeField(_("가입일시"), db_index=True)
    acquisition_channel = models.CharField(
        _("유입 경로"), max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    home_store = models.ForeignKey(
        "interactions.Touchpoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("주 이용 매장"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    consent_stage = models.CharField(
        _("동의 단계"), max_length=20, choices=ConsentStage.choices, default=ConsentStage.NONE, db_index=True
    )
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # 처리정지 (개인정보 보호법 제37조): while set, no advertising and no analytics snapshot (dangol.lifecycle).
    processing_suspended_at = models.DateTimeField(_("처리정지 일시"), null=True, blank=True)
    # Set when the person was removed (deletion request or retention): the row stays as a pseudonym.
    forgotten_at = models.DateTimeField(_("파기 일시"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-joined_at", "-id"]
        indexes = [
            models.Index(fields=["name", "status", "id"], name="customer_name_status_id"),
            models.Index(fields=["email", "status", "id"], name="customer_email_status_id"),
            models.Index(
                fields=["phone_last4", "status", "joined_at", "id"], name="customer_last4_status_joined"
            ),
        ]
        permissions = [
            ("view_personal_data", _("개인정보 원문 조회")),
            ("export_personal_data", _("개인정보 내보내기")),
            ("merge_customer", _("중복 고객 병합")),
            ("change_consent", _("동의 기록 변경")),
        ]
        verbose_name = _("고객")
        verbose_name_plural = _("고객")

    def __str__(self) -> str:
        return self.name

    @property
    def address_as(self) -> str:
        """How staff should address the customer (호칭)."""
        return self.preferred_name or f"{self.name} 고객님"


class Preference(models.Model):
    """A fact the customer told us ("사이즈: 95", "연락: 저녁 7시 이후"). Latest per key wins."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="preferences")
    key = models.CharField(_("항목"), max_length=60)
    value = models.CharField(_("내용"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-recorded_at"]
        indexes = [models.Index(fields=["customer", "key", "-recorded_at"], name="pref_customer_key")]
        verbose_name = _("선호/기억 사항")
        verbose_name_plural = _("선호/기억 사항")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class Note(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("메모"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pinned = models.BooleanField(_("상단 고정"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("메모")
        verbose_name_plural = _("메모")

    def __str__(self) -> str:
        return self.body[:40]


class ConsentPurpose(models.TextChoices):
    TERMS = "terms", _("이용약관(필수)")
    PRIVACY = "privacy", _("개인정보 수집·이용(필수)")
    MARKETING_SMS = "marketing_sms", _("마케팅 문자")
    MARKETING_EMAIL = "marketing_email", _("마케팅 이메일")
    MARKETING_PUSH = "marketing_push", _("마케팅 앱 푸시")
    MARKETING_KAKAO = "marketing_kakao", _("마케팅 카카오톡")
    # Adverts between 21:00 and 08:00 need their own consent (정보통신망법 시행령 제61조); it adds to a
    # channel's consent, never stands for one, so it is not in MARKETING_PURPOSES (the channel consents).
    MARKETING_NIGHT = "marketing_night", _("야간 광고 수신 동의")


REQUIRED_PURPOSES = (ConsentPurpose.TERMS, ConsentPurpose.PRIVACY)
MARKETING_PURPOSES = (
    ConsentPurpose.MARKETING_SMS,
    ConsentPurpose.MARKETING_EMAIL,
    ConsentPurpose.MARKETING_PUSH,
    ConsentPurpose.MARKETING_KAKAO,
)
# Every consent to advertising: the channels and the night-time one. An opt-out of "all marketing" and the
# two-yearly 수신동의 여부 확인 cover all of them.
ADVERTISING_PURPOSES = (*MARKETING_PURPOSES, ConsentPurpose.MARKETING_NIGHT)


class Consent(models.Model):
    """The current state of one consent; every change is also a ConsentEvent."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(default=False)
    changed_at = models.DateTimeField()
    source = models.CharField(max_length=60, blank=True)
    version = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "purpose"], name="consent_one_per_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}={'Y' if self.granted else 'N'}"


class ConsentEvent(models.Model):
    """Append-only history: when, how (source) and which version was agreed or withdrawn."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=60, blank=True)
    version = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {'동의' if self.granted else '철회'} {self.occurred_at:%Y-%m-%d}"


class CustomerMerge(models.Model):
    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges_out")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # {"counts": {rule key: n}, "ids": {rule key: [entries]}, "filled": {field: value},
    #  "previous": {field: survivor's value before}, "external_id": merged record's external id}
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class CustomerSegment(models.Model):
    """A named, saved filter of the customer list: analysts save it, surveys are sent to it.

    `filters` holds the validated filter values (selectors.CustomerFilters.to_json), which is what
    counts and sends use; `query` is the list's query string, to open the same list again.
    """

    name = models.CharField(_("이름"), max_length=80, unique=True)
    query = models.CharField(_("목록 조건"), max_length=1000, blank=True)
    filters = models.JSONField(_("필터"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("고객 세그먼트")
        verbose_name_plural = _("고객 세그먼트")

    def __str__(self) -> str:
        return self.name
