"""The response form's pure parts: default values shown, and submitted forms read back."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from temporal_review.gateway.ui.forms import answer_from, default_values, problems_by_input
from temporal_review.workflows import ResponseSpec
from temporal_review.workflows.validation import InvalidResponse, validate_response

SPEC: Any = TypeAdapter(ResponseSpec)


def spec(data: dict[str, Any]) -> Any:
    return SPEC.validate_python(data)


@pytest.mark.parametrize(
    ("data", "form", "answer"),
    [
        ({"type": "decision"}, {"response": ["approve"]}, {"decision": "approve", "reason": None}),
        (
            {"type": "decision"},
            {"response": ["reject"], "response.reason": [" too long "]},
            {"decision": "reject", "reason": "too long"},
        ),
        ({"type": "decision"}, {}, None),
        ({"type": "single_select", "options": [{"value": "a"}]}, {"response": ["a"]}, "a"),
        (
            {"type": "multi_select", "options": [{"value": "a"}, {"value": "b"}]},
            {"response": ["a", "b"]},
            ["a", "b"],
        ),
        ({"type": "multi_select", "options": [{"value": "a"}]}, {}, []),
        ({"type": "rating"}, {"response": ["4"]}, 4),
        ({"type": "number"}, {"response": ["2.5"]}, 2.5),
        ({"type": "number"}, {"response": ["7"]}, 7),
        ({"type": "number"}, {"response": ["seven"]}, "seven"),  # the validator explains
        ({"type": "boolean"}, {"response": ["false"]}, False),
        ({"type": "text"}, {"response": ["hello"]}, "hello"),
        ({"type": "text"}, {"response": ["   "]}, None),
        (
            {
                "type": "form",
                "inputs": [
                    {"name": "n", "spec": {"type": "number"}},
                    {"name": "t", "required": False, "spec": {"type": "text"}},
                ],
            },
            {"response.n": ["3"]},
            {"n": 3, "t": None},
        ),
    ],
)
def test_a_submitted_form_reads_back_as_the_answer(
    data: dict[str, Any], form: dict[str, list[str]], answer: Any
) -> None:
    assert answer_from(spec(data), form) == answer


def test_defaults_and_preselected_options_fill_the_form() -> None:
    form = spec(
        {
            "type": "form",
            "inputs": [
                {"name": "d", "spec": {"type": "decision", "default": "approve"}},
                {
                    "name": "s",
                    "spec": {
                        "type": "single_select",
                        "options": [{"value": "x", "preselected": True}, {"value": "y"}],
                    },
                },
                {
                    "name": "m",
                    "spec": {
                        "type": "multi_select",
                        "options": [
                            {"value": "x", "preselected": True},
                            {"value": "y", "preselected": True},
                        ],
                    },
                },
                {"name": "r", "spec": {"type": "rating", "default": 4}},
                {"name": "n", "spec": {"type": "number", "default": 1.5}},
                {"name": "b", "spec": {"type": "boolean", "default": True}},
                {"name": "t", "spec": {"type": "text", "default": "hi"}},
            ],
        }
    )
    values = default_values(form)
    assert values == {
        "response.d": ["approve"],
        "response.s": ["x"],
        "response.m": ["x", "y"],
        "response.r": ["4"],
        "response.n": ["1.5"],
        "response.b": ["true"],
        "response.t": ["hi"],
    }
    # Sending the form untouched gives back the defaults, which validate.
    validate_response(form, answer_from(form, values))


def test_problems_land_next_to_their_inputs() -> None:
    form = spec({"type": "form", "inputs": [{"name": "n", "spec": {"type": "number", "min": 0}}]})
    with pytest.raises(InvalidResponse) as invalid:
        validate_response(form, answer_from(form, {"response.n": ["-1"]}))
    assert problems_by_input(invalid.value.problems) == {"response.n": "must be at least 0"}
