"""The customer's feedback survey: questions with a score on a scale and a comment.

The questions come from config (``survey.toml``), so a service company asks what its own
commitment promises. Answers are kept on the visit with the question's text as it was
asked, so a later change of the questions never rewrites what a customer answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import SurveyAnswer, VisitKind
from assettrack.domain.texts import N_


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class Survey:
    questions: tuple[Question, ...]
    lowest: int = 1
    highest: int = 5
    lowest_means: str = ""
    highest_means: str = ""
    kinds: tuple[VisitKind, ...] = (VisitKind.SCHEDULED,)

    def asked_on(self, kind: VisitKind) -> bool:
        return bool(self.questions) and kind in self.kinds

    def scale(self) -> str:
        """``1 (very dissatisfied) … 5 (very satisfied)``: the hint next to a score (a
        ``Text``: the interface says it in its language, the words as the settings')."""

        def end(score: int, means: str) -> str:
            return N_("{score} ({means})", score=score, means=N_(means)) if means else str(score)

        return N_(
            "{low} … {high}",
            low=end(self.lowest, self.lowest_means),
            high=end(self.highest, self.highest_means),
        )

    def answer(self, question: Question, score: str, comment: str = "") -> SurveyAnswer:
        """One answer from what the engineer typed; a wrong score says the scale."""
        text = score.strip()
        value: int | None = None
        if text:
            try:
                value = int(text)
            except ValueError:
                value = None
            if value is None or not self.lowest <= value <= self.highest:
                raise ValidationError(
                    [
                        FieldProblem(
                            question.id,
                            text,
                            N_("must be a score from {scale}", scale=self.scale()),
                        )
                    ],
                    what=N_("survey answer"),
                )
        return SurveyAnswer(question.id, question.text, value, comment.strip())

    def unanswered(self, answers: Iterable[SurveyAnswer]) -> list[Question]:
        scored = {a.question_id for a in answers if a.score is not None}
        return [q for q in self.questions if q.id not in scored]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Survey:
        problems: list[FieldProblem] = []
        questions: list[Question] = []
        for n, item in enumerate(raw.get("questions", []), start=1):
            if not isinstance(item, Mapping) or not str(item.get("text", "")).strip():
                problems.append(FieldProblem(f"questions[{n}]", None, N_("needs a text")))
                continue
            qid = str(item.get("id") or f"q{n}").strip()
            if any(q.id == qid for q in questions):
                problems.append(FieldProblem(f"questions[{n}].id", qid, N_("is used twice")))
            questions.append(Question(qid, str(item["text"]).strip()))
        scale = raw.get("scale", [1, 5])
        if (
            not isinstance(scale, list)
            or len(scale) != 2
            or not all(isinstance(s, int) for s in scale)
            or scale[0] >= scale[1]
        ):
            problems.append(
                FieldProblem("scale", scale, N_("must be two whole numbers, low first"))
            )
            scale = [1, 5]
        kinds: list[VisitKind] = []
        for value in raw.get("kinds", ["scheduled"]):
            try:
                kinds.append(VisitKind(value))
            except ValueError:
                names = ", ".join(k.value for k in VisitKind)
                problems.append(
                    FieldProblem("kinds", value, N_("is not a visit kind ({names})", names=names))
                )
        labels = raw.get("scale_labels", ["", ""])
        if problems:
            raise ValidationError(problems, what=N_("survey settings"))
        return cls(
            tuple(questions),
            scale[0],
            scale[1],
            str(labels[0]) if labels else "",
            str(labels[-1]) if labels else "",
            tuple(kinds),
        )
