"""What of an entry each recipient of a mail may see: recipient classes and their views.

Templates never get the register's `Entry`: they get a `Shown`, made for one view, with the
same attribute names. What a view must not show is not in it, so no template — a facility's
own included — can put it into a mail.

- `lengkap` (quality team, unit recipients): reporter's name, contact and address, the
  whole text; NIK/BPJS/record numbers and stigmatising diagnoses masked unless
  `[privacy] mask_health = false`.
- `ringkas` (head): the reporter as initials, no contact or address; the text with health
  data, phone numbers, e-mail and street addresses and the reporter's names masked, cut to
  about 300 characters.
- `anonim` (district office): nobody; the text scrubbed as for the public notice board.

A confidential (`rahasia`) entry shows only its number, channel, kind, unit, urgency,
status and deadlines in every view, and how to read it at the facility.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aduan.daemon.config import Privacy, View
from aduan.daemon.letters import shorten
from aduan.models.tables import Entry
from aduan.parsers.scrub import Diagnoses, mask_contact, mask_health, scrub

# Recipient classes, in `[privacy]`'s names, and the Message-ID suffix of a class's own mail.
TEAM, UNITS, HEAD, DINKES = "quality_team", "units", "head", "dinkes"
SUFFIXES = {TEAM: "tim", UNITS: "unit", HEAD: "kepala", DINKES: "dinkes"}
# Fullest first: an address in several classes of one mail gets the fullest of their views.
_FULLNESS: tuple[View, ...] = ("lengkap", "ringkas", "anonim")
SHORT_CHARS = 300
HEADLINE_CHARS = 70


@dataclass(frozen=True)
class Audience:
    """The recipients of one message of a mail, and the view they see."""

    view: View
    addresses: tuple[str, ...]
    suffix: str | None  # appended to the mail's Message-ID; None: the mail's own Message-ID


@dataclass(frozen=True)
class Shown:
    """An entry as one view shows it; the attribute names are `Entry`'s."""

    register_no: str
    received_at: datetime
    channel: str
    kind: str
    unit: str
    urgent: bool
    status: str
    due_forward: datetime
    due_answer: datetime | None
    due_resolve: datetime
    confidential: bool
    reasons: tuple[str, ...]
    reporter_name: str | None
    reporter_contact: str | None
    reporter_address: str | None
    subject: str | None
    text: str
    rtl: str | None
    response: str | None
    headline: str  # subject or text on one line, short; "" for a confidential entry
    read_locally: str  # the command that shows the entry at the facility
    console_path: str  # where the staff web console shows it (`aduan web`, /entri/NO)


class Views:
    """Renders entries for the views of `[privacy]`."""

    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy
        self.diagnoses = Diagnoses.of(privacy.diagnoses, privacy.diagnoses_shown)

    def of(self, recipient_class: str) -> View:
        view: View = getattr(self.privacy, recipient_class)
        return view

    def audiences(self, classes: Sequence[tuple[str, Sequence[str]]]) -> list[Audience]:
        """One message per view among `classes` ((class, addresses), the mail's main class
        first). Each address is in one message only, in the fullest view of its classes; the
        message in the main class's view keeps the mail's Message-ID, any other takes the
        suffix of its first class."""
        chosen: dict[str, tuple[int, int, str]] = {}  # lower-case → (fullness, class, address)
        for order, (cls, addresses) in enumerate(classes):
            fullness = _FULLNESS.index(self.of(cls))
            for raw in addresses:
                address, key = raw.strip(), raw.strip().lower()
                if address and (key not in chosen or (fullness, order) < chosen[key][:2]):
                    chosen[key] = (fullness, order, address)
        groups: dict[int, list[str]] = {}
        first: dict[int, int] = {}  # fullness → the first class that brought an address to it
        for fullness, order, address in chosen.values():
            groups.setdefault(fullness, []).append(address)
            first[fullness] = min(order, first.get(fullness, order))
        main = self.of(classes[0][0]) if classes else None
        found = []
        for fullness in sorted(groups, key=first.__getitem__):
            view = _FULLNESS[fullness]
            suffix = None if view == main else SUFFIXES[classes[first[fullness]][0]]
            found.append(Audience(view, tuple(groups[fullness]), suffix))
        return found

    def show(self, entry: Entry, view: View) -> Shown:
        if entry.confidential:
            return _confidential(entry)

        def text(value: str) -> str:
            return self._mask(entry, view, value)

        def optional(value: str | None) -> str | None:
            return None if value is None else text(value)

        body = text(entry.text)
        subject = optional(entry.subject)
        return _shown(
            entry,
            # Reasons quote the text's cue words: masked like it.
            reasons=tuple(text(reason) for reason in entry.reasons),
            reporter_name={
                "lengkap": entry.reporter_name,
                "ringkas": initials(entry.reporter_name),
            }.get(view),
            reporter_contact=entry.reporter_contact if view == "lengkap" else None,
            reporter_address=entry.reporter_address if view == "lengkap" else None,
            subject=subject,
            text=shorten(body, SHORT_CHARS) if view == "ringkas" else body,
            rtl=optional(entry.rtl),
            response=optional(entry.response),
            headline=shorten(subject or body, HEADLINE_CHARS),
        )

    def show_text(self, entry: Entry, view: View, value: str) -> str:
        """Other words about `entry` (a reporter's reply, a referral's reason) as `view`
        shows its text; "" for a confidential entry."""
        if entry.confidential:
            return ""
        masked = self._mask(entry, view, value)
        return shorten(masked, SHORT_CHARS) if view == "ringkas" else masked

    def _mask(self, entry: Entry, view: View, value: str) -> str:
        names = [entry.reporter_name] if entry.reporter_name else []
        if view == "anonim":
            return scrub(value, names, self.diagnoses)
        if view == "ringkas":
            return mask_contact(value, names, self.diagnoses)
        return mask_health(value, self.diagnoses) if self.privacy.mask_health else value


def for_reporter(entry: Entry) -> Shown:
    """The entry as its own reporter sees it in our mail to them: everything is theirs, but
    a confidential entry's subject and text are not quoted (a mail can be read over a
    shoulder, or in a shared family inbox); the answer still reaches them."""
    if entry.confidential:
        return _confidential(entry, response=entry.response, name=entry.reporter_name)
    return _shown(
        entry,
        reasons=tuple(entry.reasons),
        reporter_name=entry.reporter_name,
        reporter_contact=entry.reporter_contact,
        reporter_address=entry.reporter_address,
        subject=entry.subject,
        text=entry.text,
        rtl=entry.rtl,
        response=entry.response,
        headline=shorten(entry.subject or entry.text, HEADLINE_CHARS),
    )


def initials(name: str | None) -> str | None:
    """ "Siti Aminah" → "S. A.": enough to tell entries apart, not to name anyone."""
    if not name:
        return None
    parts = [f"{part[0].upper()}." for part in name.split() if part[0].isalnum()]
    return " ".join(parts) or None


def _shown(
    entry: Entry,
    *,
    reasons: tuple[str, ...],
    reporter_name: str | None,
    reporter_contact: str | None,
    reporter_address: str | None,
    subject: str | None,
    text: str,
    rtl: str | None,
    response: str | None,
    headline: str,
) -> Shown:
    """`entry` with what every view shows, a confidential entry's included, and the rest."""
    return Shown(
        register_no=entry.register_no,
        received_at=entry.received_at,
        channel=entry.channel,
        kind=entry.kind,
        unit=entry.unit,
        urgent=entry.urgent,
        status=entry.status,
        due_forward=entry.due_forward,
        due_answer=entry.due_answer,
        due_resolve=entry.due_resolve,
        confidential=entry.confidential,
        reasons=reasons,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        reporter_address=reporter_address,
        subject=subject,
        text=text,
        rtl=rtl,
        response=response,
        headline=headline,
        read_locally=f"aduan register show {entry.register_no}",
        console_path=f"/entri/{entry.register_no}",
    )


def _confidential(entry: Entry, response: str | None = None, name: str | None = None) -> Shown:
    return _shown(
        entry,
        reasons=(),
        reporter_name=name,
        reporter_contact=None,
        reporter_address=None,
        subject=None,
        text="",
        rtl=None,
        response=response,
        headline="",
    )
