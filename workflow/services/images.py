"""Lead pictures: checked, re-encoded with Pillow at a few widths (metadata such as EXIF location dropped),
saved under the data directory, and attached to an original or an adaptation. The caller commits."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.messages import N_
from ..domain.states import Role
from ..models import Adaptation, Article, LeadImage, User
from .errors import InvalidInput, NotAllowed

#: What may be uploaded (by what Pillow finds in the bytes, never the file name or the browser's word).
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
#: Widths saved for `srcset` (none larger than the upload).
RENDITION_WIDTHS = (480, 960, 1600)
MIN_WIDTH = 480
#: More pixels than this is refused before decoding (a small file can unpack to gigabytes).
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 82
MAX_ALT, MAX_CAPTION, MAX_CREDIT = 300, 500, 200


@dataclass(frozen=True)
class ImageText:
    """What is said about a picture: alt text (required), caption and photographer credit."""

    alt: str
    caption: str = ""
    credit: str = ""

    @classmethod
    def parse(cls, alt: str, caption: str, credit: str) -> ImageText:
        """Trimmed, length-checked text; alt text is required."""
        alt, caption, credit = (" ".join((v or "").split()) for v in (alt, caption, credit))
        if not alt:
            raise InvalidInput("alt", N_("Describe the picture for readers who cannot see it (alt text)."))
        for field, value, limit in (
            ("alt", alt, MAX_ALT),
            ("caption", caption, MAX_CAPTION),
            ("credit", credit, MAX_CREDIT),
        ):
            if len(value) > limit:
                raise InvalidInput(
                    field,
                    N_(
                        "The %(field)s is %(count)s characters long; at most %(limit)s.",
                        field=field,
                        count=len(value),
                        limit=limit,
                    ),
                )
        return cls(alt, caption, credit)


def renditions(data: bytes, max_bytes: int) -> tuple[dict[int, bytes], tuple[int, int]]:
    """The upload re-encoded as JPEG at each width (EXIF and other metadata dropped), and the largest's size."""
    if not data:
        raise InvalidInput("image", N_("Choose a picture to upload."))
    if len(data) > max_bytes:
        raise InvalidInput(
            "image",
            N_(
                "The picture is %(size_kb)s KB; at most %(max_kb)s KB.",
                size_kb=len(data) // 1024,
                max_kb=max_bytes // 1024,
            ),
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED_FORMATS:
                raise InvalidInput(
                    "image",
                    N_("A %(kind)s file cannot be used: send a JPEG, PNG or WebP picture.", kind=kind),
                )
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    "image",
                    N_(
                        "The picture has %(width)s×%(height)s pixels; at most %(max_pixels)s in all.",
                        width=width,
                        height=height,
                        max_pixels=format(MAX_PIXELS, ","),
                    ),
                )
            probe.load()
            # Turn it the way the camera meant (EXIF orientation) before the EXIF block is dropped.
            picture = ImageOps.exif_transpose(probe).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidInput(
            "image", N_("This file is not a picture that can be read (JPEG, PNG or WebP).")
        ) from error
    if picture.width < MIN_WIDTH:
        raise InvalidInput(
            "image",
            N_(
                "The picture is %(width)s pixels wide; at least %(min_width)s are needed.",
                width=picture.width,
                min_width=MIN_WIDTH,
            ),
        )
    widths = [w for w in RENDITION_WIDTHS if w < picture.width] + [min(picture.width, RENDITION_WIDTHS[-1])]
    saved: dict[int, bytes] = {}
    for width in sorted(set(widths)):
        height = round(picture.height * width / picture.width)
        out = io.BytesIO()
        picture.resize((width, height), Image.Resampling.LANCZOS).save(
            out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
        saved[width] = out.getvalue()
    largest = max(saved)
    return saved, (largest, round(picture.height * largest / picture.width))


def image_path(images_dir: Path, token: str, width: int) -> Path:
    """Where one rendition is kept."""
    return images_dir / f"{token}-{width}.jpg"


def _may_attach(actor: User, article: Article | None, adaptation: Adaptation | None) -> bool:
    if article is not None:
        return actor.id == article.reporter_id and Role.REPORTER in actor.roles
    adaptors = {c.user_id for c in adaptation.credits if c.role == Role.ADAPTOR.value}
    return Role.EDITOR in actor.roles or actor.id == adaptation.holder_id or actor.id in adaptors


def attach_lead_image(
    session: Session,
    actor: User,
    *,
    data: bytes,
    alt: str,
    caption: str = "",
    credit: str = "",
    images_dir: Path,
    max_bytes: int,
    article: Article | None = None,
    adaptation: Adaptation | None = None,
) -> LeadImage:
    """Attach a lead picture to an original (its reporter) or an adaptation (its adaptor, or an editor)."""
    if (article is None) == (adaptation is None):
        raise ValueError("attach to an original or an adaptation")
    if not _may_attach(actor, article, adaptation):
        raise NotAllowed(
            N_("Only the reporter of an original, or the adaptor of an adaptation, may set its picture.")
        )
    text = ImageText.parse(alt, caption, credit)
    saved, (width, height) = renditions(data, max_bytes)
    token = secrets.token_hex(16)
    images_dir.mkdir(parents=True, exist_ok=True)
    for rendition_width, content in saved.items():
        image_path(images_dir, token, rendition_width).write_bytes(content)
    image = LeadImage(
        token=token,
        article_id=article.id if article else None,
        adaptation_id=adaptation.id if adaptation else None,
        width=width,
        height=height,
        widths=",".join(str(w) for w in sorted(saved)),
        alt=text.alt,
        caption=text.caption,
        credit=text.credit,
        uploaded_by_id=actor.id,
    )
    session.add(image)
    session.flush()
    return image


def lead_image_for(session: Session, adaptation: Adaptation) -> LeadImage | None:
    """The picture a story shows: the newest attached to the adaptation, else the newest of its original."""
    for column, value in (
        (LeadImage.adaptation_id, adaptation.id),
        (LeadImage.article_id, adaptation.article_id),
    ):
        found = session.scalar(
            select(LeadImage).where(column == value).order_by(LeadImage.id.desc()).limit(1)
        )
        if found is not None:
            return found
    return None
