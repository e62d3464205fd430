"""Turning a report into files: HTML from Jinja2 templates, PDF from that HTML (WeasyPrint).

One HTML template serves both the screen and the printed A4 page (the CSS has print rules),
so what the head of the Puskesmas prints is what the quality team saw in the browser. The
files are self-contained (CSS included with `{% include %}`, charts inline as SVG): a report
mailed or copied to a USB stick shows the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from aduan.daemon.filestore import write_atomically
from aduan.daemon.letters import Letters, label

TEMPLATES = Path(__file__).parent / "templates"


class Documents:
    """Renders the report templates (`templates/*.html.j2`) in a language."""

    def __init__(self, letters: Letters) -> None:
        self.letters = letters
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,  # complaint text is untrusted: it must never become markup
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def html(self, template: str, lang: str, **context: Any) -> str:
        values = {
            "lang": lang,
            "label": lambda value: label(value, lang),
            "when": lambda value: self.letters.when(value, lang),
            "day": lambda value: self.letters.day(value, lang),
            **context,
        }
        return self.env.get_template(template).render(values)


def pdf_bytes(html: str) -> bytes:
    """A4 PDF of `html`; the fonts are the system's (fonts-dejavu-core at least)."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()  # type: ignore[no-any-return]


def _weasyprint() -> Any:
    """WeasyPrint, imported when a PDF is first asked for (it loads Pango).

    Its import sets Pillow's process-wide LOAD_TRUNCATED_IMAGES: from then on a truncated
    scan would be read as half a slip instead of quarantined. Our documents embed no raster
    images, so Pillow's strict default is put back.
    """
    from PIL import ImageFile

    strict = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = strict
    return weasyprint


def write_files(out_dir: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write each (name, content) under `out_dir`, atomically: a reader never sees half."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        path = out_dir / name
        write_atomically(path, data)
        paths.append(path)
    return paths
