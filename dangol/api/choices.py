"""The API's enumerated fields as `Literal` types built from the models' TextChoices: the OpenAPI schema then
lists the allowed values (clients and fuzzers see them) and any other value is a 422 before a view runs.

`blank=True` where the model may hold "" (a response must be able to show it, a request may clear it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.db.models import TextChoices

from dangol.api.errors import MESSAGES
from dangol.customers.models import ConsentStage, Customer
from dangol.imports.models import ImportJob
from dangol.interactions.models import Interaction
from dangol.surveys.models import Aspect, Dimension, Invitation, Question, Survey
from dangol.voc.models import Case, Priority, Step


def one_of(choices: type[TextChoices], *, blank: bool = False) -> Any:
    values = tuple(dict.fromkeys([*([""] if blank else []), *choices.values]))
    return Literal[values]


if TYPE_CHECKING:  # mypy sees the strings the models hold; pydantic (at run time) sees the Literal below
    CustomerGender: TypeAlias = str
    CustomerChannel: TypeAlias = str
    CustomerChannelOrBlank: TypeAlias = str
    CustomerStatus: TypeAlias = str
    CustomerConsentStage: TypeAlias = str
    InteractionType: TypeAlias = str
    OrdersOnError: TypeAlias = str
    ErrorCode: TypeAlias = str
    CaseKind: TypeAlias = str
    CaseStatus: TypeAlias = str
    CaseStatusOrBlank: TypeAlias = str
    CaseChannel: TypeAlias = str
    CasePriority: TypeAlias = str
    CaseStep: TypeAlias = str
    CaseResolution: TypeAlias = str
    CaseResolutionOrBlank: TypeAlias = str
    CaseReactionOrBlank: TypeAlias = str
    SurveyKind: TypeAlias = str
    SurveyTrigger: TypeAlias = str
    SurveyStatus: TypeAlias = str
    QuestionKind: TypeAlias = str
    QuestionAspect: TypeAlias = str
    QuestionDimension: TypeAlias = str
    InvitationChannel: TypeAlias = str
else:
    CustomerGender = one_of(Customer.Gender, blank=True)
    CustomerChannel = one_of(Customer.Channel)
    CustomerChannelOrBlank = one_of(Customer.Channel, blank=True)
    CustomerStatus = one_of(Customer.Status)
    CustomerConsentStage = one_of(ConsentStage)
    InteractionType = one_of(Interaction.Type)
    OrdersOnError = one_of(ImportJob.OnError)
    ErrorCode = Literal[tuple(MESSAGES)]

    CaseKind = one_of(Case.Kind)
    CaseStatus = one_of(Case.Status)
    CaseStatusOrBlank = one_of(Case.Status, blank=True)
    CaseChannel = one_of(Case.Channel)
    CasePriority = one_of(Priority)
    CaseStep = one_of(Step)
    CaseResolution = one_of(Case.Resolution)
    CaseResolutionOrBlank = one_of(Case.Resolution, blank=True)
    CaseReactionOrBlank = one_of(Case.Reaction, blank=True)

    SurveyKind = one_of(Survey.Kind)
    SurveyTrigger = one_of(Survey.Trigger)
    SurveyStatus = one_of(Survey.Status)
    QuestionKind = one_of(Question.Kind)
    QuestionAspect = one_of(Aspect)
    QuestionDimension = one_of(Dimension, blank=True)
    InvitationChannel = one_of(Invitation.Channel)
