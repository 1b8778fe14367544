"""VOC: cases (complaints, inquiries, suggestions, praise) and everything that recovers a customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangol.accounts.models import Team


class Category(models.Model):
    """A node of the VOC category tree (배송 > 지연). Each maps to the team that owns the process."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    owner_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("담당 프로세스 팀"),
    )
    internal_sla_hours = models.PositiveIntegerField(_("내부 처리 기준(업무시간)"), default=8)
    is_active = models.BooleanField(_("사용"), default=True)
    # Words customers use for this category besides its name ("택배, 도착" for 배송 > 지연): a case from a
    # logged call is offered the category whose name or words its text contains (dangol.voc.prefill).
    keywords = models.CharField(
        _("검색어(쉼표로 구분)"), max_length=300, blank=True, help_text=_("예: 택배, 도착, 늦게")
    )

    class Meta:
        ordering = ["parent_id", "name"]
        verbose_name = _("VOC 분류")
        verbose_name_plural = _("VOC 분류")

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id and self.parent else self.name

    def owner(self) -> Team | None:
        """The owning team: this category's, or the nearest parent's."""
        node: Category | None = self
        while node is not None:
            if node.owner_team_id:
                return node.owner_team
            node = node.parent
        return None


class RootCause(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("근본 원인")
        verbose_name_plural = _("근본 원인")

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    LOW = "low", _("낮음")
    NORMAL = "normal", _("보통")
    HIGH = "high", _("높음")
    URGENT = "urgent", _("긴급")


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("불만")
    INQUIRY = "inquiry", _("문의")
    SUGGESTION = "suggestion", _("제안")
    PRAISE = "praise", _("칭찬")


# Kinds of case that wait for an answer: a policy without a kind covers these. Praise and suggestions get
# targets only from a policy written for their kind.
KINDS_WITH_DEFAULT_SLA = (CaseKind.COMPLAINT, CaseKind.INQUIRY)


class SlaPolicy(models.Model):
    """Targets in business hours for a priority, optionally narrowed to a category (the narrower wins) and to
    a kind of case (without one, complaints and inquiries)."""

    name = models.CharField(_("이름"), max_length=100)
    priority = models.CharField(_("우선순위"), max_length=10, choices=Priority.choices)
    kind = models.CharField(
        _("유형"),
        max_length=12,
        choices=CaseKind.choices,
        blank=True,
        help_text=_(
            "비워 두면 불만·문의에 적용됩니다. 칭찬·제안은 그 유형을 고른 정책이 있을 때만 기한이 생깁니다."
        ),
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    first_response_minutes = models.PositiveIntegerField(_("첫 응답(분, 업무시간)"))
    resolution_minutes = models.PositiveIntegerField(_("해결(분, 업무시간)"))
    warn_before_minutes = models.PositiveIntegerField(_("사전 경고(분)"), default=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "category", "kind"], name="sla_one_per_priority_category_kind"
            )
        ]
        verbose_name = _("SLA 정책")
        verbose_name_plural = _("SLA 정책")

    def __str__(self) -> str:
        return self.name


class BusinessHours(models.Model):
    """The company's opening hours; a single row. Korean public holidays come from the `holidays` package."""

    opens = models.TimeField(_("여는 시각"), default="09:00")
    closes = models.TimeField(_("닫는 시각"), default="18:00")
    lunch_start = models.TimeField(_("점심 시작"), null=True, blank=True)
    lunch_end = models.TimeField(_("점심 끝"), null=True, blank=True)
    workdays = models.CharField(_("영업 요일(0=월)"), max_length=13, default="0,1,2,3,4")

    class Meta:
        verbose_name = _("영업시간")
        verbose_name_plural = _("영업시간")

    def __str__(self) -> str:
        return f"{self.opens}-{self.closes}"


class CompanyHoliday(models.Model):
    """Company days off on top of public holidays (창립기념일, 재고조사)."""

    date = models.DateField(_("날짜"), unique=True)
    name = models.CharField(_("이름"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("회사 휴무일")
        verbose_name_plural = _("회사 휴무일")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DifficultType(models.TextChoices):
    PASSIVE = "passive", _("수동적")
    ARROGANT = "arrogant", _("자만하는")
    ANGRY = "angry", _("화내는")
    VULGAR = "vulgar", _("상스러운")
    THREATENING = "threatening", _("위협하는")
    DISHONEST = "dishonest", _("부정직한")
    TOYING = "toying", _("농락하는")
    EXCESSIVE = "excessive", _("과도한 요구")


OPEN_CASE = models.Q(status__in=("new", "open", "waiting"))  # the condition of the open-queue indexes


class Case(models.Model):
    Kind = CaseKind

    class Status(models.TextChoices):
        NEW = "new", _("접수")
        OPEN = "open", _("처리 중")
        WAITING = "waiting", _("고객 응답 대기")
        RESOLVED = "resolved", _("해결")
        CLOSED = "closed", _("종결")

    class Channel(models.TextChoices):
        PHONE = "phone", _("전화")
        STORE = "store", _("매장")
        WEB = "web", _("웹")
        APP = "app", _("앱")
        EMAIL = "email", _("이메일")
        SNS = "sns", _("SNS")
        SURVEY = "survey", _("설문")
        API = "api", _("API")

    class Resolution(models.TextChoices):
        FIX = "fix", _("수리/정정")
        REPLACE = "replace", _("교환")
        REFUND = "refund", _("환불")
        COMPENSATION = "compensation", _("보상(금액/포인트)")
        APOLOGY = "apology", _("사과만")
        INFO = "info", _("안내/답변")

    class Reaction(models.TextChoices):
        SATISFIED = "satisfied", _("만족")
        NEUTRAL = "neutral", _("보통")
        DISSATISFIED = "dissatisfied", _("불만족")

    class Origin(models.TextChoices):
        """Who raised the case: the customer, or the system on their behalf (a low survey score's follow-up).
        Only the customer's own cases count as the customer having spoken up."""

        CUSTOMER = "customer", _("고객 접수")
        SYSTEM = "system", _("시스템 자동 접수")

    number = models.CharField(_("접수번호"), max_length=20, unique=True)
    kind = models.CharField(_("유형"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.CharField(
        _("우선순위"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("접수 채널"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    origin = models.CharField(_("접수 주체"), max_length=10, choices=Origin.choices, default=Origin.CUSTOMER)
    # The FKs below that lead a composite index in Meta.indexes (customer, category, team, assignee, dedicated
    # handler) have no index of their own: with both, SQLite's planner (no ANALYZE) joined through the lone FK
    # index and sorted a team's every case for the team queue (bench/pages).
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,  # case_customer_time
    )
    contact_name = models.CharField(_("연락처 이름(미확인 고객)"), max_length=60, blank=True)
    contact_info = models.CharField(_("연락처(미확인 고객)"), max_length=120, blank=True)
    # Stored whole (010-1234-5678) so staff can call back; shown masked unless revealed, which is logged.
    callback_phone = models.CharField(_("회신 전화번호"), max_length=20, blank=True)
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,  # case_category_time
    )
    product = models.ForeignKey(
        "orders.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("담당 팀"),
        db_index=False,  # case_team_status
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("담당자"),
        db_index=False,  # case_assignee_status
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), blank=True)
    text_analysis = models.JSONField(null=True, blank=True)
    source_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    difficult_type = models.CharField(
        _("까다로운 고객 유형"), max_length=12, choices=DifficultType.choices, blank=True
    )
    dedicated_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("전담자"),
        db_index=False,  # case_handler_status
    )
    root_cause = models.ForeignKey(
        RootCause, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    root_cause_note = models.CharField(_("원인 메모"), max_length=300, blank=True)
    resolution_type = models.CharField(_("해결 방법"), max_length=14, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("해결 내용"), blank=True)
    resolution_cost = models.PositiveBigIntegerField(_("보상 비용(원)"), default=0)
    compensation_points = models.PositiveIntegerField(_("보상 포인트"), default=0)
    customer_reaction = models.CharField(_("고객 반응"), max_length=12, choices=Reaction.choices, blank=True)
    satisfaction_score = models.PositiveSmallIntegerField(_("만족도(1-5)"), null=True, blank=True)
    would_continue = models.BooleanField(_("계속 이용 의향"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "resolution_due"], name="case_status_due"),
            models.Index(fields=["team", "status"], name="case_team_status"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
            models.Index(fields=["dedicated_handler", "status"], name="case_handler_status"),
            models.Index(fields=["customer", "-created_at"], name="case_customer_time"),
            models.Index(fields=["category", "created_at"], name="case_category_time"),
            # The open-case queues in due order (overdue and breaching; team; unassigned): partial indexes over
            # open cases only (a few percent of the table), walked in order up to the page instead of reading
            # every open case of the queue and sorting (SQLite) or skipping closed cases (PostgreSQL).
            models.Index(fields=["resolution_due", "-id"], condition=OPEN_CASE, name="case_open_due"),
            models.Index(
                fields=["team", "resolution_due", "-id"], condition=OPEN_CASE, name="case_open_team_due"
            ),
            models.Index(
                fields=["assignee", "resolution_due", "-id"],
                condition=OPEN_CASE,
                name="case_open_assignee_due",
            ),
        ]
        permissions = [
            ("override_case_step", _("필수 단계 생략 승인")),
            ("review_exit", _("고객 퇴출 검토")),
        ]
        verbose_name = _("VOC 건")
        verbose_name_plural = _("VOC 건")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.OPEN, self.Status.WAITING)


class Step(models.TextChoices):
    APOLOGISE = "apologise", _("사과")
    LISTEN = "listen", _("경청(고객의 말 그대로 기록)")
    CONFIRM = "confirm", _("이해 확인(고객 동의)")
    RESOLVE = "resolve", _("변명 없이 해결")
    FOLLOW_UP = "follow_up", _("사후 확인")


REQUIRED_BEFORE_RESOLVE = (Step.APOLOGISE, Step.LISTEN, Step.CONFIRM)
STEP_ORDER = [Step.APOLOGISE, Step.LISTEN, Step.CONFIRM, Step.RESOLVE, Step.FOLLOW_UP]


class CaseStep(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=10, choices=Step.choices)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="casestep_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"


class CaseEvent(models.Model):
    """The case timeline. Written by the same service call that changes the case; never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Handoff(models.Model):
    """A hand-off between teams, with its internal service level (내부 고객)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs")
    from_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("사유"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    due_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_team_id}"

    @property
    def met(self) -> bool | None:
        if self.accepted_at is None:
            return None
        return self.accepted_at <= self.due_at


class PreventionAction(models.Model):
    """A recurrence (same category + product/store above its usual weekly level) and what we do about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("진행 중")
        DONE = "done", _("완료")

    key = models.CharField(max_length=120, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "orders.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    week_start = models.DateField()
    count = models.PositiveIntegerField()
    baseline = models.FloatField()
    title = models.CharField(_("예방 조치"), max_length=200)
    owner_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class BadCustomerType(models.TextChoices):
    THIEF = "thief", _("도둑형")
    RULE_BREAKER = "rule_breaker", _("규칙위반형")
    BELLIGERENT = "belligerent", _("호전형")
    INFIGHTING = "infighting", _("내분형")
    DESTRUCTIVE = "destructive", _("파괴형")
    CREDIT_DEFAULT = "credit_default", _("신용불량형")


class CustomerFlag(models.Model):
    """A bad-customer flag and, if it comes to that, an exit reviewed by a manager. Never silent."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("주의")
        EXIT_PROPOSED = "exit_proposed", _("퇴출 검토 중")
        EXIT_APPROVED = "exit_approved", _("퇴출 승인")
        EXIT_REJECTED = "exit_rejected", _("퇴출 반려")
        REVERSED = "reversed", _("해제")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="flags")
    type = models.CharField(_("유형"), max_length=16, choices=BadCustomerType.choices)
    evidence = models.TextField(_("근거"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FLAGGED, db_index=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    flagged_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    customer_notified_at = models.DateTimeField(null=True, blank=True)
    dedicated_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reversed_reason = models.CharField(max_length=300, blank=True)
    history = models.JSONField(default=list)

    class Meta:
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.type} {self.status}"


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voc_filters")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name")]

    def __str__(self) -> str:
        return self.name


class ReplyTemplate(models.Model):
    """An empathetic reply for an intent and emotion (acknowledge the feeling first, then the context; 002)."""

    intent = models.CharField(_("의도"), max_length=20, blank=True)
    emotion = models.CharField(_("감정"), max_length=20, blank=True)
    text = models.TextField(_("답변 문안"))
    is_active = models.BooleanField(_("사용"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["intent", "emotion"]
        constraints = [
            # One reply in use per intent and emotion, so the case screen's choice is never a coin toss.
            models.UniqueConstraint(
                fields=["intent", "emotion"],
                condition=models.Q(is_active=True),
                name="replytemplate_one_active_per_reading",
            )
        ]
        verbose_name = _("공감 답변 문안")
        verbose_name_plural = _("공감 답변 문안")

    def __str__(self) -> str:
        return f"{self.intent or '*'}/{self.emotion or '*'}"


class TextLabel(models.Model):
    """A staff correction of the intent/emotion read from a text: training data for the next model."""

    text = models.TextField()
    intent = models.CharField(max_length=20)
    emotion = models.CharField(max_length=20)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.intent}/{self.emotion}"
