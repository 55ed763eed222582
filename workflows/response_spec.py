"""What a reviewer must answer: one spec language for every kind of response.

Covers Humancheck decisions (approve / reject / modify), HITL.sh response types
(single_select, multi_select, rating, number, boolean, text) and gotoHuman-style forms
of several named inputs. ``validate_response`` in ``validation.py`` checks answers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Decision(StrEnum):
    """The three answers of a decision response."""

    APPROVE = "approve"
    REJECT = "reject"
    MODIFY = "modify"  # approve with edited content


class DecisionSpec(_Spec):
    """Approve, reject, or approve with edited content ("modify").

    The answer is ``{"decision": "approve" | "reject" | "modify", "reason": str | None}``;
    a modify decision carries its edits in the respond action's ``edits``.
    """

    type: Literal["decision"] = "decision"
    allow_modify: bool = True
    reason_required_on_reject: bool = False
    default: Decision | None = None


class Option(_Spec):
    """One choice of a select response."""

    value: str = Field(min_length=1)
    label: str | None = None
    preselected: bool = False


class _Choices(_Spec):
    options: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_values(self) -> _Choices:
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("option values must be unique")
        return self

    def option_values(self) -> list[str]:
        """Return the allowed values in order."""
        return [o.value for o in self.options]


class SingleSelectSpec(_Choices):
    """Exactly one of the options. The answer is the option's value."""

    type: Literal["single_select"] = "single_select"

    @model_validator(mode="after")
    def _at_most_one_preselected(self) -> SingleSelectSpec:
        if sum(o.preselected for o in self.options) > 1:
            raise ValueError("a single_select preselects at most one option")
        return self


class MultiSelectSpec(_Choices):
    """Several of the options. The answer is a list of distinct option values."""

    type: Literal["multi_select"] = "multi_select"
    min_selections: int = Field(default=0, ge=0)
    max_selections: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds_fit(self) -> MultiSelectSpec:
        upper = self.max_selections if self.max_selections is not None else len(self.options)
        if self.min_selections > upper or upper > len(self.options):
            raise ValueError("selection bounds do not fit the options")
        return self


class RatingSpec(_Spec):
    """A whole number on a scale. The answer is an int."""

    type: Literal["rating"] = "rating"
    min: int = 1
    max: int = 5
    default: int | None = None

    @model_validator(mode="after")
    def _scale(self) -> RatingSpec:
        if self.min >= self.max:
            raise ValueError("rating min must be below max")
        if self.default is not None and not self.min <= self.default <= self.max:
            raise ValueError("rating default lies outside the scale")
        return self


class NumberSpec(_Spec):
    """A number, optionally whole and bounded. The answer is an int or float."""

    type: Literal["number"] = "number"
    min: float | None = None
    max: float | None = None
    integer: bool = False
    default: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> NumberSpec:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("number min must not exceed max")
        return self


class BooleanSpec(_Spec):
    """Yes or no. The answer is a bool."""

    type: Literal["boolean"] = "boolean"
    default: bool | None = None


class TextSpec(_Spec):
    """Free text. The answer is a string."""

    type: Literal["text"] = "text"
    min_length: int = Field(default=0, ge=0)
    max_length: int = Field(default=10_000, ge=1)
    default: str | None = None
    placeholder: str | None = None


InputSpec = Annotated[
    DecisionSpec
    | SingleSelectSpec
    | MultiSelectSpec
    | RatingSpec
    | NumberSpec
    | BooleanSpec
    | TextSpec,
    Field(discriminator="type"),
]
"""Any response spec that can stand alone or as one input of a form."""


class FormInput(_Spec):
    """One named input of a form."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str | None = None
    required: bool = True
    spec: InputSpec


class FormSpec(_Spec):
    """Several named inputs. The answer is an object keyed by input name."""

    type: Literal["form"] = "form"
    inputs: list[FormInput] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> FormSpec:
        names = [i.name for i in self.inputs]
        if len(set(names)) != len(names):
            raise ValueError("form input names must be unique")
        return self


ResponseSpec = Annotated[
    DecisionSpec
    | SingleSelectSpec
    | MultiSelectSpec
    | RatingSpec
    | NumberSpec
    | BooleanSpec
    | TextSpec
    | FormSpec,
    Field(discriminator="type"),
]
"""What the reviewer must answer."""
