"""Bringing imported answers into a client's answers without overwriting any silently.

An imported answer is *new* where the client had none, *changed* where it differs from an existing one.
An empty imported answer never erases an existing one. Without confirmation only the new answers are
taken; the changed ones are listed for the user to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.intake.answers import Answer, IntakeAnswers


@dataclass(frozen=True)
class Change:
    """One question whose answer the import would set or change."""

    key: str
    old: Answer | None
    new: Answer


@dataclass(frozen=True)
class MergePlan:
    """What an import would do."""

    new: list[Change]
    changed: list[Change]
    unchanged: int

    def apply(self, current: IntakeAnswers, confirmed: bool) -> IntakeAnswers:
        """The answers after the import: the new ones always, the changed ones only when ``confirmed``."""
        taken = self.new + (self.changed if confirmed else [])
        return current.model_copy(
            update={"answers": {**current.answers, **{c.key: c.new for c in taken}}, "migrated_from": None}
        )


def plan_merge(current: IntakeAnswers, imported: IntakeAnswers) -> MergePlan:
    """Compare imported answers with the current ones."""
    new, changed, unchanged = [], [], 0
    for key, answer in imported.answers.items():
        old = current.answers.get(key)
        if old == answer:
            unchanged += 1
        elif old is None or (old.value is None and not old.comment):
            new.append(Change(key, old, answer))
        elif answer.value is None and old.value is not None:
            # an empty answer with a comment: keep the old answer, take the comment as a change
            merged = Answer(value=old.value, comment=answer.comment)
            if merged != old:
                changed.append(Change(key, old, merged))
            else:
                unchanged += 1
        else:
            changed.append(Change(key, old, answer))
    return MergePlan(new, changed, unchanged)
