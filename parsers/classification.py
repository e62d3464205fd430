"""What the classifier says about an item (kind, unit, urgency), with its reasons."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Classification:
    kind: str
    unit: str
    urgent: bool
    confidence: float
    reasons: tuple[str, ...]
    # Promotion, phishing, gambling, loan offers: the caller registers them as `bukan_aduan`.
    spam: bool = False


# Until the classifier exists every entry says so plainly, instead of guessing.
UNCLASSIFIED = Classification(
    kind="lainnya", unit="lainnya", urgent=False, confidence=0.0, reasons=("belum diklasifikasi",)
)
