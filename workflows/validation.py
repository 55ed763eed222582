"""Response validation: one pure function shared by the gateway and the workflow's validators.

``validate_response(spec, answer)`` returns the normalised answer or raises
``InvalidResponse`` listing every problem with the path of the input it concerns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from temporal_review.workflows.response_spec import (
    BooleanSpec,
    Decision,
    DecisionSpec,
    FormSpec,
    MultiSelectSpec,
    NumberSpec,
    RatingSpec,
    ResponseSpec,
    SingleSelectSpec,
    TextSpec,
)

__all__ = ["InvalidResponse", "ResponseProblem", "default_answer", "validate_response"]


class ResponseProblem(BaseModel):
    """One thing wrong with an answer: where (``path``, "" for the whole answer) and why."""

    path: str
    message: str


class InvalidResponse(ValueError):
    """The answer does not fit the response spec."""

    def __init__(self, problems: list[ResponseProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path or 'response'}: {p.message}" for p in problems))


def validate_response(spec: ResponseSpec, answer: Any, *, has_edits: bool = False) -> Any:
    """Check ``answer`` against ``spec`` and return it normalised.

    Args:
        spec: The response spec of the review.
        answer: The reviewer's answer, as decoded JSON.
        has_edits: Whether the respond action edits content (a "modify" decision needs edits).

    Raises:
        InvalidResponse: with one problem per wrong input.
    """
    problems: list[ResponseProblem] = []
    value = _check(spec, answer, "", problems, has_edits)
    if problems:
        raise InvalidResponse(problems)
    return value


def default_answer(spec: ResponseSpec) -> Any:
    """Return the preselected answer of a spec, or None when it has none."""
    if isinstance(spec, SingleSelectSpec):
        picked = [o.value for o in spec.options if o.preselected]
        return picked[0] if picked else None
    if isinstance(spec, MultiSelectSpec):
        return [o.value for o in spec.options if o.preselected]
    if isinstance(spec, DecisionSpec):
        return {"decision": spec.default.value, "reason": None} if spec.default else None
    if isinstance(spec, FormSpec):
        return {i.name: default_answer(i.spec) for i in spec.inputs}
    return spec.default


def _check(
    spec: ResponseSpec, answer: Any, path: str, problems: list[ResponseProblem], has_edits: bool
) -> Any:
    def fail(message: str, where: str = path) -> None:
        problems.append(ResponseProblem(path=where, message=message))

    if isinstance(spec, FormSpec):
        return _check_form(spec, answer, path, problems, has_edits)
    if isinstance(spec, DecisionSpec):
        return _check_decision(spec, answer, fail, has_edits)
    if isinstance(spec, SingleSelectSpec):
        if not isinstance(answer, str):
            return fail("choose one option (a string)")
        if answer not in spec.option_values():
            return fail(f"unknown option {answer!r}; choose one of {spec.option_values()}")
        return answer
    if isinstance(spec, MultiSelectSpec):
        return _check_multi(spec, answer, fail)
    if isinstance(spec, RatingSpec):
        if isinstance(answer, bool) or not isinstance(answer, int):
            return fail("a rating is a whole number")
        if not spec.min <= answer <= spec.max:
            return fail(f"rating must be between {spec.min} and {spec.max}")
        return answer
    if isinstance(spec, NumberSpec):
        return _check_number(spec, answer, fail)
    if isinstance(spec, BooleanSpec):
        if not isinstance(answer, bool):
            return fail("answer true or false")
        return answer
    if isinstance(spec, TextSpec):
        if not isinstance(answer, str):
            return fail("a text answer is a string")
        if len(answer.strip()) < spec.min_length:
            return fail(f"text must be at least {spec.min_length} characters")
        if len(answer) > spec.max_length:
            return fail(f"text must be at most {spec.max_length} characters")
        return answer
    raise TypeError(f"unknown response spec {type(spec).__name__}")  # pragma: no cover


def _check_decision(spec: DecisionSpec, answer: Any, fail: Any, has_edits: bool) -> Any:
    if isinstance(answer, str):  # shorthand: "approve"
        answer = {"decision": answer}
    if not isinstance(answer, Mapping):
        return fail('a decision is {"decision": "approve" | "reject" | "modify"}')
    unknown = set(answer) - {"decision", "reason"}
    if unknown:
        return fail(f"unexpected keys {sorted(unknown)}")
    allowed = [d.value for d in Decision if d is not Decision.MODIFY or spec.allow_modify]
    decision = answer.get("decision")
    if decision not in allowed:
        return fail(f"decision must be one of {allowed}")
    reason = answer.get("reason")
    if reason is not None and not isinstance(reason, str):
        return fail("reason is a string")
    if (
        decision == Decision.REJECT
        and spec.reason_required_on_reject
        and not (reason or "").strip()
    ):
        return fail("a rejection needs a reason")
    if decision == Decision.MODIFY and not has_edits:
        return fail("a modify decision needs edited content")
    return {"decision": decision, "reason": reason}


def _check_multi(spec: MultiSelectSpec, answer: Any, fail: Any) -> Any:
    if not isinstance(answer, list) or not all(isinstance(v, str) for v in answer):
        return fail("choose a list of option values")
    unknown = [v for v in answer if v not in spec.option_values()]
    if unknown:
        return fail(f"unknown options {unknown}; choose from {spec.option_values()}")
    if len(set(answer)) != len(answer):
        return fail("each option may be chosen once")
    if len(answer) < spec.min_selections:
        return fail(f"choose at least {spec.min_selections}")
    if spec.max_selections is not None and len(answer) > spec.max_selections:
        return fail(f"choose at most {spec.max_selections}")
    return answer


def _check_number(spec: NumberSpec, answer: Any, fail: Any) -> Any:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return fail("answer a number")
    if isinstance(answer, float) and not math.isfinite(answer):
        return fail("answer a finite number")
    if spec.integer and not float(answer).is_integer():
        return fail("answer a whole number")
    if spec.min is not None and answer < spec.min:
        return fail(f"must be at least {spec.min:g}")
    if spec.max is not None and answer > spec.max:
        return fail(f"must be at most {spec.max:g}")
    return int(answer) if spec.integer else answer


def _check_form(
    spec: FormSpec, answer: Any, path: str, problems: list[ResponseProblem], has_edits: bool
) -> Any:
    if not isinstance(answer, Mapping):
        problems.append(ResponseProblem(path=path, message="a form answer is an object"))
        return None
    known = {i.name for i in spec.inputs}
    for extra in sorted(set(answer) - known):
        problems.append(ResponseProblem(path=_join(path, extra), message="unknown input"))
    result: dict[str, Any] = {}
    for item in spec.inputs:
        where = _join(path, item.name)
        if answer.get(item.name) is None:
            if item.required:
                problems.append(ResponseProblem(path=where, message="required"))
            result[item.name] = None
            continue
        result[item.name] = _check(item.spec, answer[item.name], where, problems, has_edits)
    return result


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
