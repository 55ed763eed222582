"""Build a ``ReviewRequest`` from a create body, filling in a named template when given."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from temporal_review.gateway.errors import ApiError
from temporal_review.gateway.schemas import CreateReviewBody
from temporal_review.gateway.settings import ReviewTemplate
from temporal_review.workflows import ReviewRequest
from temporal_review.workflows.content import check_field_value


def build_request(body: CreateReviewBody, templates: dict[str, ReviewTemplate]) -> ReviewRequest:
    """The request the body describes; a 422 ``ApiError`` says what does not fit."""
    given: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"values"})
    if body.template is not None:
        template = templates.get(body.template)
        if template is None:
            known = sorted(templates) or "none configured"
            raise ApiError(422, "unknown_template", f"no template {body.template!r} ({known})")
        given = _apply_template(body, template, given)
    elif body.values is not None:
        raise ApiError(422, "invalid_request", "values need a template")
    try:
        return ReviewRequest.model_validate(given)
    except ValidationError as err:
        details = [
            {"loc": [str(p) for p in e["loc"]], "message": e["msg"]}
            for e in err.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise ApiError(422, "invalid_request", "the review request is invalid", details) from None


def _apply_template(
    body: CreateReviewBody, template: ReviewTemplate, given: dict[str, Any]
) -> dict[str, Any]:
    values = body.values or {}
    if body.fields is not None:
        raise ApiError(422, "invalid_request", "a templated review takes values, not fields")
    known = {f.name: f for f in template.fields}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ApiError(422, "invalid_values", f"template {body.template!r} has no fields {unknown}")
    problems = []
    for name, value in values.items():
        problem = check_field_value(known[name].kind, value)
        if problem is not None:
            problems.append({"loc": ["values", name], "message": problem})
    missing = [name for name, f in known.items() if name not in values and f.value is None]
    problems += [{"loc": ["values", name], "message": "required"} for name in missing]
    if problems:
        raise ApiError(422, "invalid_values", "values do not fit the template", problems)
    merged = template.model_dump(exclude_none=True, exclude={"fields"})
    merged["fields"] = [
        f.model_copy(update={"value": values[f.name]}) if f.name in values else f
        for f in template.fields
    ]
    merged.update(given)
    merged.setdefault("title", template.title or body.template)
    return merged
