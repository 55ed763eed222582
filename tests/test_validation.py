"""validate_response: every response type with good and bad answers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from temporal_review.workflows import (
    BooleanSpec,
    DecisionSpec,
    FormInput,
    FormSpec,
    InvalidResponse,
    MultiSelectSpec,
    NumberSpec,
    Option,
    RatingSpec,
    ResponseSpec,
    SingleSelectSpec,
    TextSpec,
    default_answer,
    validate_response,
)

COLORS = [Option(value="red"), Option(value="green", preselected=True), Option(value="blue")]


def problems(spec: Any, answer: Any, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidResponse) as err:
        validate_response(spec, answer, **kwargs)
    return [(p.path, p.message) for p in err.value.problems]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("approve", {"decision": "approve", "reason": None}),
        (
            {"decision": "reject", "reason": "wrong tone"},
            {"decision": "reject", "reason": "wrong tone"},
        ),
    ],
)
def test_decision_accepts(answer: Any, expected: Any) -> None:
    assert validate_response(DecisionSpec(), answer) == expected


def test_decision_modify_needs_edits_and_permission() -> None:
    assert validate_response(DecisionSpec(), "modify", has_edits=True)["decision"] == "modify"
    assert problems(DecisionSpec(), "modify") == [("", "a modify decision needs edited content")]
    assert (
        "decision must be one of"
        in problems(DecisionSpec(allow_modify=False), "modify", has_edits=True)[0][1]
    )


@pytest.mark.parametrize(
    "answer",
    [
        "maybe",
        1,
        None,
        ["approve"],
        {"decision": "approve", "extra": 1},
        {"decision": "approve", "reason": 5},
    ],
)
def test_decision_rejects(answer: Any) -> None:
    assert problems(DecisionSpec(), answer)


def test_decision_reject_reason_required() -> None:
    spec = DecisionSpec(reason_required_on_reject=True)
    assert problems(spec, {"decision": "reject", "reason": "  "}) == [
        ("", "a rejection needs a reason")
    ]
    assert (
        validate_response(spec, {"decision": "reject", "reason": "off-brand"})["reason"]
        == "off-brand"
    )


def test_single_select() -> None:
    spec = SingleSelectSpec(options=COLORS)
    assert validate_response(spec, "blue") == "blue"
    assert "unknown option 'purple'" in problems(spec, "purple")[0][1]
    assert problems(spec, ["red"]) == [("", "choose one option (a string)")]


def test_multi_select_bounds() -> None:
    spec = MultiSelectSpec(options=COLORS, min_selections=1, max_selections=2)
    assert validate_response(spec, ["red", "blue"]) == ["red", "blue"]
    assert problems(spec, []) == [("", "choose at least 1")]
    assert problems(spec, ["red", "green", "blue"]) == [("", "choose at most 2")]
    assert problems(spec, ["red", "red"]) == [("", "each option may be chosen once")]
    assert "unknown options ['pink']" in problems(spec, ["pink"])[0][1]
    assert problems(spec, "red") == [("", "choose a list of option values")]


@pytest.mark.parametrize(
    ("answer", "ok"),
    [(1, True), (5, True), (0, False), (6, False), (4.5, False), (True, False), ("3", False)],
)
def test_rating(answer: Any, ok: bool) -> None:
    spec = RatingSpec(min=1, max=5)
    if ok:
        assert validate_response(spec, answer) == answer
    else:
        assert problems(spec, answer)


def test_number() -> None:
    spec = NumberSpec(min=0, max=100, integer=True)
    assert validate_response(spec, 42) == 42
    assert validate_response(spec, 42.0) == 42
    assert problems(spec, 4.2) == [("", "answer a whole number")]
    assert problems(spec, -1) == [("", "must be at least 0")]
    assert problems(spec, 101) == [("", "must be at most 100")]
    assert problems(spec, "7") == [("", "answer a number")]
    assert problems(spec, False) == [("", "answer a number")]
    assert problems(NumberSpec(), float("nan")) == [("", "answer a finite number")]
    assert validate_response(NumberSpec(), 0.25) == 0.25


def test_boolean() -> None:
    assert validate_response(BooleanSpec(), False) is False
    assert problems(BooleanSpec(), "yes") == [("", "answer true or false")]
    assert problems(BooleanSpec(), 1) == [("", "answer true or false")]


def test_text_lengths() -> None:
    spec = TextSpec(min_length=3, max_length=5)
    assert validate_response(spec, "abcd") == "abcd"
    assert problems(spec, "  a  ") == [("", "text must be at least 3 characters")]
    assert problems(spec, "abcdef") == [("", "text must be at most 5 characters")]
    assert problems(spec, 12) == [("", "a text answer is a string")]


def test_form_reports_every_input() -> None:
    spec = FormSpec(
        inputs=[
            FormInput(name="score", spec=RatingSpec()),
            FormInput(name="tags", spec=MultiSelectSpec(options=COLORS, min_selections=1)),
            FormInput(name="note", spec=TextSpec(), required=False),
            FormInput(name="ok", spec=BooleanSpec()),
        ]
    )
    good = validate_response(spec, {"score": 4, "tags": ["red"], "ok": True})
    assert good == {"score": 4, "tags": ["red"], "note": None, "ok": True}
    found = problems(spec, {"score": 9, "tags": [], "extra": 1})
    assert found == [
        ("extra", "unknown input"),
        ("score", "rating must be between 1 and 5"),
        ("tags", "choose at least 1"),
        ("ok", "required"),
    ]
    assert problems(spec, ["not", "an", "object"]) == [("", "a form answer is an object")]


def test_defaults_and_preselection() -> None:
    assert default_answer(SingleSelectSpec(options=COLORS)) == "green"
    assert default_answer(MultiSelectSpec(options=COLORS)) == ["green"]
    assert default_answer(RatingSpec(default=4)) == 4
    assert default_answer(DecisionSpec(default="approve")) == {
        "decision": "approve",
        "reason": None,
    }
    form = FormSpec(inputs=[FormInput(name="b", spec=BooleanSpec(default=True))])
    assert default_answer(form) == {"b": True}


def test_response_specs_parse_from_json_by_type() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(ResponseSpec)
    spec = adapter.validate_python(
        {"type": "form", "inputs": [{"name": "n", "spec": {"type": "number", "max": 3}}]}
    )
    assert isinstance(spec, FormSpec) and isinstance(spec.inputs[0].spec, NumberSpec)
    with pytest.raises(ValidationError):
        adapter.validate_python({"type": "telepathy"})


@pytest.mark.parametrize(
    "bad_spec",
    [
        {"type": "single_select", "options": []},
        {"type": "single_select", "options": [{"value": "a"}, {"value": "a"}]},
        {
            "type": "single_select",
            "options": [{"value": "a", "preselected": True}, {"value": "b", "preselected": True}],
        },
        {"type": "multi_select", "options": [{"value": "a"}], "min_selections": 2},
        {"type": "rating", "min": 5, "max": 1},
        {"type": "rating", "default": 9},
        {"type": "number", "min": 3, "max": 1},
        {
            "type": "form",
            "inputs": [
                {"name": "x", "spec": {"type": "boolean"}},
                {"name": "x", "spec": {"type": "text"}},
            ],
        },
    ],
)
def test_inconsistent_specs_are_refused(bad_spec: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ResponseSpec).validate_python(bad_spec)
