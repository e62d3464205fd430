"""The classifier as the daemon runs it: the facility's lexicon, the newest kept model, and
training from staff corrections.

Trained models are versioned folders under `<storage>/model` (v1, v2, …), beside the
register's other files; `aduan train` adds one only when cross-validation shows it beats
the rules alone. Workers receive a `ClassifierSpec` (two paths and a number, cheap to send)
and load what it names once per process. The database is imported only where training reads
it: a worker that unpickles a spec has no use for SQLModel.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from aduan.daemon.errors import ConfigError
from aduan.parsers.classification import Classification

if TYPE_CHECKING:  # annotations only: sklearn and the database load where they are used
    from sqlmodel import Session

    from aduan.daemon.config import Settings
    from aduan.parsers.classify import Example, Lexicon, Model, TrainResult

log = logging.getLogger(__name__)

_VERSION_DIR = re.compile(r"v(\d+)")  # as `save_model` names them


@dataclass(frozen=True)
class ClassifierSpec:
    lexicon: Path | None  # the facility's additions; None: the built-in lexicon only
    models: Path  # where trained versions live
    version: int | None  # the model in use; None: rules only

    def classify(self, text: str, subject: str | None = None) -> Classification:
        from aduan.parsers.classify import classify

        lexicon, model = _loaded(self)
        return classify(text, subject, lexicon, model)

    @property
    def units(self) -> list[str]:
        lexicon, _ = _loaded(self)
        return [*lexicon.units, *(["lainnya"] if "lainnya" not in lexicon.units else [])]


def current_spec(settings: Settings) -> ClassifierSpec:
    """The lexicon from the config and the newest saved model.

    A facility lexicon is loaded here once, so that a broken file stops the start with a
    config error instead of failing every mail in the workers.
    """
    lexicon = settings.classification.lexicon
    if lexicon is not None:
        from aduan.parsers.classify import LexiconError

        try:
            _lexicon(lexicon)
        except LexiconError as exc:
            raise ConfigError(
                f"[classification] lexicon: {exc}; fix the file or remove the key"
            ) from exc
    models = model_dir(settings)
    # Read off the folder names: importing the model code would pull in scikit-learn
    # (~100 MB, a second) for every command, `aduan status` included.
    found = (_VERSION_DIR.fullmatch(p.name) for p in models.glob("v*") if p.is_dir())
    version = max((int(m.group(1)) for m in found if m), default=None)
    return ClassifierSpec(settings.classification.lexicon, models, version)


def model_dir(settings: Settings) -> Path:
    return settings.storage.path / "model"


@lru_cache(maxsize=2)
def _loaded(spec: ClassifierSpec) -> tuple[Lexicon, Model | None]:
    model = None
    if spec.version is not None:  # scikit-learn takes seconds to import: only for a model
        from aduan.parsers.classify import load_model

        model = load_model(spec.models, spec.version)
    return _lexicon(spec.lexicon), model


@lru_cache(maxsize=2)
def _lexicon(path: Path | None) -> Lexicon:
    """Loaded once per process: the start checks it, classifying and training reuse it."""
    from aduan.parsers.classify import load_lexicon

    return load_lexicon(path)


def corrections(session: Session) -> list[Example]:
    """Every entry a person corrected, with the labels it has now: the training signal."""
    from sqlmodel import col, select

    from aduan.models.tables import Entry, Event
    from aduan.parsers.classify import Example

    corrected = select(Event.entry_id).where(Event.type == "corrected")
    rows = session.exec(select(Entry).where(col(Entry.id).in_(corrected)).order_by(col(Entry.id)))
    return [Example(e.text, e.subject, e.kind, e.unit, e.urgent) for e in rows]


def retrain(session: Session, settings: Settings, now: datetime) -> TrainResult:
    """Fit on the seed set plus the corrections; save the model only if it beats the rules."""
    from aduan.parsers.classify import save_model, train

    examples = corrections(session)
    result = train(examples, lexicon=_lexicon(settings.classification.lexicon), now=now)
    if result.model is not None:
        folder = save_model(result.model, model_dir(settings))
        log.info("classifier model saved as %s (%d corrections)", folder.name, len(examples))
    else:
        log.info("classifier model not kept: the rules alone did as well")
    return result
