"""Where raw items come from. Each source walks its own items, hands each to `Intake`, and
marks or moves an item only after intake has committed it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # `aduan status` reads reports without loading intake
    from aduan.daemon.intake import Intake, IntakeResult

# Asked between items: True when the service has been told to stop.
StopRequested = Callable[[], bool]


@dataclass
class PollReport:
    source: str
    outcomes: Counter[str] = field(default_factory=Counter)
    pending: int = 0  # items left for the next poll (stopped early, or over the batch)

    def add(self, result: IntakeResult) -> None:
        self.outcomes[result.outcome.value] += 1


class Source(Protocol):
    name: str

    def poll(self, intake: Intake, stop: StopRequested) -> PollReport:
        """Take every waiting item once; raise `SourceUnavailable` when the source is down."""
        ...
