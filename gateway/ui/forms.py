"""The response form: spec -> default input values, and submitted form -> answer.

Inputs are named after the answer's path: ``response`` for the whole answer,
``response.<input>`` inside a form, ``<name>.reason`` for a decision's reason. Parsing
is lenient on purpose: text that is not a number is passed on as text, so
``validate_response`` (the one validator the workflow also runs) says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporal_review.workflows import ResponseSpec
from temporal_review.workflows.response_spec import (
    BooleanSpec,
    DecisionSpec,
    FormSpec,
    MultiSelectSpec,
    NumberSpec,
    RatingSpec,
    SingleSelectSpec,
    TextSpec,
)
from temporal_review.workflows.validation import ResponseProblem, default_answer

ROOT = "response"

FormValues = dict[str, list[str]]
"""Input name -> submitted values (one, or several for checkboxes)."""


def default_values(spec: ResponseSpec, name: str = ROOT) -> FormValues:
    """The form as first shown: preselected options and defaults."""
    return _values_of(spec, default_answer(spec), name)


def answer_from(spec: ResponseSpec, form: FormValues, name: str = ROOT) -> Any:
    """The answer a submitted form gives, for ``validate_response`` to judge."""
    if isinstance(spec, FormSpec):
        return {i.name: answer_from(i.spec, form, f"{name}.{i.name}") for i in spec.inputs}
    if isinstance(spec, MultiSelectSpec):
        return list(form.get(name, []))
    raw = _one(form, name)
    if isinstance(spec, DecisionSpec):
        reason = _one(form, f"{name}.reason")
        return {"decision": raw, "reason": reason} if raw else None
    if raw is None:
        return None
    if isinstance(spec, RatingSpec | NumberSpec):
        return _number(raw)
    if isinstance(spec, BooleanSpec):
        return {"true": True, "false": False}.get(raw, raw)
    return raw  # single select, text


def problems_by_input(problems: list[ResponseProblem]) -> dict[str, str]:
    """Validation messages keyed by input name, for inline display."""
    shown: dict[str, str] = {}
    for problem in problems:
        key = f"{ROOT}.{problem.path}" if problem.path else ROOT
        shown.setdefault(key, problem.message)
    return shown


def _values_of(spec: ResponseSpec, answer: Any, name: str) -> FormValues:
    if isinstance(spec, FormSpec):
        values: FormValues = {}
        for item in spec.inputs:
            inner = answer.get(item.name) if isinstance(answer, Mapping) else None
            values.update(_values_of(item.spec, inner, f"{name}.{item.name}"))
        return values
    if answer is None:
        return {}
    if isinstance(spec, DecisionSpec) and isinstance(answer, Mapping):
        return {name: [str(answer["decision"])]}
    if isinstance(spec, MultiSelectSpec):
        return {name: [str(v) for v in answer]}
    if isinstance(spec, BooleanSpec):
        return {name: ["true" if answer else "false"]}
    if isinstance(spec, NumberSpec | RatingSpec | SingleSelectSpec | TextSpec):
        return {name: [f"{answer:g}" if isinstance(answer, float) else str(answer)]}
    return {}


def _one(form: FormValues, name: str) -> str | None:
    values = form.get(name) or []
    value = values[0].strip() if values else ""
    return value or None


def _number(raw: str) -> Any:
    try:
        number = float(raw)
    except ValueError:
        return raw  # the validator says "answer a number"
    return (
        int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
    )
