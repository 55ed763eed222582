"""The example agent's "drafting" step: a deterministic rewriter standing in for an LLM.

A real agent would call its model here (this is an activity, so the call may be slow,
non-deterministic and retried). The stand-in applies a few instruction words so tests and
the demo can see instructions being followed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from temporalio import activity


class DraftInput(BaseModel):
    """Write a text about ``topic``; rewrite ``previous`` following ``instructions``."""

    topic: str
    previous: str | None = None
    instructions: list[str] = Field(default_factory=list)
    attempt: int = 1


@activity.defn(name="temporal_review.example.draft_text")
async def draft_text(request: DraftInput) -> str:
    """Return a draft (LLM call goes here)."""
    take = f" (take {request.attempt})" if request.attempt > 1 else ""
    text = request.previous or f"A short announcement about {request.topic}{take}."
    for instruction in request.instructions:
        text = _apply(text, instruction)
    return text


def _apply(text: str, instruction: str) -> str:
    lowered = instruction.lower()
    if "shorter" in lowered:
        return text.split(". ")[0].rstrip(".") + "."
    if "uppercase" in lowered or "louder" in lowered:
        return text.upper()
    if lowered.startswith(("mention ", "add ")):
        addition = instruction.split(" ", 1)[1].strip().rstrip(".")
        return f"{text} It also covers {addition}."
    return f"{text} (Revised: {instruction.strip()})"
