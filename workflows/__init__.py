"""The review contract, the review workflow and the agent-side helpers.

Start here: ``ReviewRequest`` describes a review, ``request_review`` awaits one from a
parent workflow, ``ReviewWorkflow`` is the durable workflow behind each review. To start
one from any client: ``temporal_review.worker.start_review``.
"""

from temporal_review.workflows.agent import ReviewSession, Reviser, request_review
from temporal_review.workflows.content import ContentField, FieldKind
from temporal_review.workflows.messages import (
    ActionQuery,
    ActionResult,
    CancelInput,
    ClaimInput,
    ContentSubmission,
    EscalateInput,
    EventsQuery,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    ReviewInput,
    UpdateContentInput,
)
from temporal_review.workflows.names import TASK_QUEUE, review_id_from, workflow_id_for
from temporal_review.workflows.request import (
    AgentContext,
    Callback,
    EscalationStep,
    EventType,
    Priority,
    ReviewRequest,
)
from temporal_review.workflows.response_spec import (
    BooleanSpec,
    Decision,
    DecisionSpec,
    FormInput,
    FormSpec,
    MultiSelectSpec,
    NumberSpec,
    Option,
    RatingSpec,
    ResponseSpec,
    SingleSelectSpec,
    TextSpec,
)
from temporal_review.workflows.review_workflow import ReviewWorkflow
from temporal_review.workflows.state import (
    Actor,
    AuditEntry,
    ChangeRequest,
    FieldChange,
    FieldOutcome,
    ReviewOutcome,
    ReviewState,
    ReviewStatus,
)
from temporal_review.workflows.validation import (
    InvalidResponse,
    ResponseProblem,
    default_answer,
    validate_response,
)

__all__ = [
    "TASK_QUEUE",
    "ActionQuery",
    "ActionResult",
    "Actor",
    "AgentContext",
    "AuditEntry",
    "BooleanSpec",
    "Callback",
    "CancelInput",
    "ChangeRequest",
    "ClaimInput",
    "ContentField",
    "ContentSubmission",
    "Decision",
    "DecisionSpec",
    "EscalateInput",
    "EscalationStep",
    "EventType",
    "EventsQuery",
    "FieldChange",
    "FieldKind",
    "FieldOutcome",
    "FormInput",
    "FormSpec",
    "InvalidResponse",
    "MultiSelectSpec",
    "NumberSpec",
    "Option",
    "Priority",
    "RatingSpec",
    "ReleaseInput",
    "RequestChangesInput",
    "RespondInput",
    "ResponseProblem",
    "ResponseSpec",
    "ReviewInput",
    "ReviewOutcome",
    "ReviewRequest",
    "ReviewSession",
    "ReviewState",
    "ReviewStatus",
    "ReviewWorkflow",
    "Reviser",
    "SingleSelectSpec",
    "TextSpec",
    "UpdateContentInput",
    "default_answer",
    "request_review",
    "review_id_from",
    "validate_response",
    "workflow_id_for",
]
