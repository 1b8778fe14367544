"""Satisfaction measurement: surveys, one-time invitations, responses, Kano studies, employee pulse."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("고객 만족도")
        KANO = "kano", _("Kano 조사")
        PULSE = "pulse", _("직원 펄스")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("직접 발송")
        INTERACTION = "interaction", _("접점 상호작용 후")
        ORDER = "order", _("주문 후")
        CASE_CLOSED = "case_closed", _("VOC 종결 후")
        SEGMENT = "segment", _("고객 세그먼트")

    class Status(models.TextChoices):
        DRAFT = "draft", _("작성 중")
        ACTIVE = "active", _("진행 중")
        CLOSED = "closed", _("종료")

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    title = models.CharField(_("제목"), max_length=200)
    title_en = models.CharField(_("영문 제목"), max_length=200, blank=True)
    intro = models.TextField(_("안내 문구"), blank=True)
    intro_en = models.TextField(_("영문 안내 문구"), blank=True)
    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMER)
    trigger = models.CharField(_("발송 시점"), max_length=12, choices=Trigger.choices, default=Trigger.MANUAL)
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("접점"),
    )
    owner_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("후속 조치 팀"),
    )
    anonymous = models.BooleanField(_("익명"), default=False)
    promotional = models.BooleanField(_("광고성(마케팅 동의 필요)"), default=False)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    link_days = models.PositiveSmallIntegerField(_("링크 유효 기간(일)"), default=14)
    current_wave = models.CharField(_("현재 차수"), max_length=20, default="1")
    # A new value with every saved change of the survey or its questions (`answering.survey_changed`, in the
    # change's transaction): the answer path reads it with the link and draws its kept form again when it moved.
    form_stamp = models.CharField(max_length=16, default="", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("설문")
        verbose_name_plural = _("설문")

    def __str__(self) -> str:
        return self.title


class Aspect(models.TextChoices):
    """What an item measures (000 §4: delight comes from people more than from the physical service)."""

    OVERALL = "overall", _("전반")
    PEOPLE = "people", _("사람(직원 태도·매너)")
    PHYSICAL = "physical", _("물리적(상품·장소·가격)")


class Dimension(models.TextChoices):
    """SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988) and the employee pulse topics (002)."""

    NONE = "", _("-")
    RELIABILITY = "reliability", _("신뢰성")
    RESPONSIVENESS = "responsiveness", _("대응성")
    ASSURANCE = "assurance", _("확신성")
    EMPATHY = "empathy", _("공감성")
    TANGIBLES = "tangibles", _("유형성")
    TRAINING = "training", _("교육")
    SUPPORT = "support", _("지원")
    AUTONOMY = "autonomy", _("재량권")
    REWARD = "reward", _("공정한 보상")
    SATISFACTION = "satisfaction", _("직무 만족")


class Question(models.Model):
    class Kind(models.TextChoices):
        CSAT = "csat", _("만족도 (1–5)")
        NPS = "nps", _("추천 의향 NPS (0–10)")
        CES = "ces", _("고객 노력 CES (1–7)")
        GAP = "gap", _("기대 vs 실제 (1–7)")
        KANO = "kano", _("Kano 쌍 (기능/역기능)")
        SINGLE = "single", _("단일 선택")
        MULTIPLE = "multiple", _("복수 선택")
        TEXT = "text", _("자유 응답")

    RANGES = {Kind.CSAT: (1, 5), Kind.NPS: (0, 10), Kind.CES: (1, 7), Kind.GAP: (1, 7)}

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    code = models.SlugField(_("코드"), max_length=40)
    kind = models.CharField(_("유형"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("질문"), max_length=300)
    text_en = models.CharField(_("영문 질문"), max_length=300, blank=True)
    aspect = models.CharField(_("구분"), max_length=10, choices=Aspect.choices, default=Aspect.OVERALL)
    dimension = models.CharField(_("차원"), max_length=16, choices=Dimension.choices, blank=True)
    choices = models.JSONField(_("선택지"), default=list, blank=True)
    required = models.BooleanField(_("필수"), default=True)
    stated_importance = models.PositiveSmallIntegerField(_("명시적 중요도(1–5)"), null=True, blank=True)

    class Meta:
        ordering = ["survey_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique")]
        verbose_name = _("문항")
        verbose_name_plural = _("문항")

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> tuple[int, int] | None:
        return self.RANGES.get(self.kind)  # type: ignore[call-overload]


class Invitation(models.Model):
    """A one-time link to answer a survey. The link carries a signed (id, nonce); nothing else."""

    class Channel(models.TextChoices):
        SMS = "sms", _("문자")
        EMAIL = "email", _("이메일")
        KAKAO = "kakao", _("카카오톡")
        QR = "qr", _("QR 코드(매장)")
        LINK = "link", _("링크")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    nonce = models.CharField(max_length=32, unique=True)
    channel = models.CharField(_("발송 채널"), max_length=8, choices=Channel.choices, default=Channel.LINK)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey("voc.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The message that carries the link (none for a QR code or a link handed over). A message a rule stopped
    # (no consent for a promotional survey, no address) is "blocked": that invitation was never delivered.
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["survey", "used_at"], name="invitation_survey_used")]
        verbose_name = _("설문 초대")
        verbose_name_plural = _("설문 초대")

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class Response(models.Model):
    """One completed survey. Headline scores are copied out of the answers so analysis stays a single scan."""

    class Source(models.TextChoices):
        WEB = "web", _("웹")
        API = "api", _("API")
        IMPORT = "import", _("가져오기")
        DEMO = "demo", _("데모")

    # survey, customer and team are indexed through the composites in Meta (and Answer's response and question
    # through answer_once and answer_question_value): a single-column index would only cost each answer's write
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", db_index=False)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        db_index=False,
    )
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    source_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    wave = models.CharField(_("차수"), max_length=20, blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    ces = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(_("의견"), blank=True)
    followup_case = models.ForeignKey(
        "voc.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("후속 VOC"),
    )
    # The roll-up batch that counted this response into ScoreRollup (`rollups`); NULL = not counted yet.
    rollup_batch = models.BigIntegerField(null=True, blank=True, editable=False)
    # Counted into LoyaltyRollup once its 90-day repurchase window closed (`repurchase`): 1 = the customer
    # bought again within 90 days, 0 = did not; NULL = not counted (window open, no customer, or not yet).
    loyalty_bought = models.SmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-answered_at", "-id"]
        indexes = [
            models.Index(fields=["survey", "answered_at"], name="response_survey_time"),
            models.Index(fields=["customer", "answered_at"], name="response_customer_time"),
            models.Index(fields=["team", "answered_at"], name="response_team_time"),
            # the few responses the roll-ups have not counted yet (read live by the analysis page)
            models.Index(
                fields=["id"], condition=models.Q(rollup_batch__isnull=True), name="response_rollup_pending"
            ),
            # a customer's responses the loyalty roll-up has not counted (read live by the analysis page)
            models.Index(
                fields=["answered_at"],
                condition=models.Q(loyalty_bought__isnull=True, customer__isnull=False),
                name="response_loyalty_pending",
            ),
        ]
        verbose_name = _("설문 응답")
        verbose_name_plural = _("설문 응답")

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"

    @property
    def needs_followup(self) -> bool:
        return (self.nps is not None and self.nps <= 6) or (self.csat is not None and self.csat <= 2)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", db_index=False)
    value = models.SmallIntegerField(null=True, blank=True)  # the score, or the perception of a gap item
    expectation = models.SmallIntegerField(null=True, blank=True)
    functional = models.PositiveSmallIntegerField(null=True, blank=True)
    dysfunctional = models.PositiveSmallIntegerField(null=True, blank=True)
    selected = models.JSONField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]
        indexes = [models.Index(fields=["question", "value"], name="answer_question_value")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class ScoreRollup(models.Model):
    """How many answers had each score, per survey × day (Seoul) × touchpoint × team × staff × wave, kept up to
    date by `rollups` so the analysis pages read these rows instead of millions of answers.

    `metric`: "resp" (one per response), "nps"/"csat"/"ces" (the response's headline score in `value`), "q" (a
    scored question's answer: `question_key`, `value`), "gap" (`value` = perception, `second` = expectation),
    "kano" (`value` = functional, `second` = dysfunctional). Question rows carry no touchpoint/team/staff (the
    pages never group answers by them). Missing ids and scores are 0 and −1 (a unique key cannot hold NULLs)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=4)
    question_key = models.BigIntegerField(default=0)
    touchpoint_key = models.BigIntegerField(default=0)
    team_key = models.BigIntegerField(default=0)
    staff_key = models.BigIntegerField(default=0)
    wave = models.CharField(max_length=20, default="", blank=True)
    value = models.SmallIntegerField(default=-1)
    second = models.SmallIntegerField(default=-1)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "survey",
                    "day",
                    "metric",
                    "question_key",
                    "touchpoint_key",
                    "team_key",
                    "staff_key",
                    "wave",
                    "value",
                    "second",
                ],
                name="score_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="score_rollup_metric_day")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.day}:{self.metric}:{self.value}"


class DriverMoment(models.Model):
    """Sufficient statistics for key-driver analysis (`analysis.drivers`), kept by `rollups` like ScoreRollup.

    Per survey × day (Seoul) × `items` (the ids of the scored questions — CSAT, CES, gap perception — a
    response answered, sorted and comma-joined) and per pair of variables a ≤ b: `total` = Σ x_a·x_b over the
    responses with an overall CSAT. Variable −1 is the overall CSAT (Response.csat), 0 the constant 1 (so
    (0, 0) counts responses and (0, q) sums q's scores), any other number a question id. Raw scores, integers:
    the regression on any item set is exact from these rows (responses whose `items` cover the set)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.CharField(max_length=1000)
    a = models.BigIntegerField()
    b = models.BigIntegerField()
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "day", "items", "a", "b"], name="driver_moment_key")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.day}:{self.items}:{self.a}x{self.b}"


class LoyaltyRollup(models.Model):
    """Customers' responses per survey × day (Seoul) × overall CSAT × NPS (−1 = none) × whether the customer
    bought again within 90 days after answering, counted once the window closed (`repurchase`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    csat = models.SmallIntegerField(default=-1)
    nps = models.SmallIntegerField(default=-1)
    bought = models.SmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "day", "csat", "nps", "bought"], name="loyalty_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.day}:{self.csat}:{self.nps}:{self.bought}"


class RollupState(models.Model):
    """One row: bumped by every transaction that changes ScoreRollup, so a reader can tell that its reads of the
    roll-ups and of the not-yet-counted responses saw the same state (`rollups.consistent`)."""

    version = models.BigIntegerField(default=0)
    # LoyaltyRollup: every counted response whose customer has no order above this id is up to date with that
    # customer's orders; the customers of newer orders are read live until the worker re-evaluated them.
    orders_seen = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)


class ScoreDay(models.Model):
    """The sums behind the trend and group figures (`analysis.trend`, `analysis.by_group`) per survey × day
    (Seoul) × touchpoint × team × staff: one row holding what those figures need (issue 18, round 3), instead of
    ScoreRollup's row per metric × score × wave — about 20 times fewer rows to group for a year of answers. Kept
    by `rollups` in the same transaction and under the same claim as ScoreRollup; missing ids are 0."""

    # db_index=False: the unique key leads with the survey
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    touchpoint_key = models.BigIntegerField(default=0)
    team_key = models.BigIntegerField(default=0)
    staff_key = models.BigIntegerField(default=0)
    responses = models.BigIntegerField(default=0)
    nps_n = models.BigIntegerField(default=0)
    promoters = models.BigIntegerField(default=0)  # NPS 9–10
    detractors = models.BigIntegerField(default=0)  # NPS 0–6
    csat_n = models.BigIntegerField(default=0)
    csat_sum = models.BigIntegerField(default=0)
    csat_sq = models.BigIntegerField(default=0)  # Σ csat², for the interval
    satisfied = models.BigIntegerField(default=0)  # CSAT 4–5

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "day", "touchpoint_key", "team_key", "staff_key"], name="score_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.day}:{self.touchpoint_key}:{self.team_key}:{self.staff_key}"
