"""Lead pictures: uploaded from the desk, checked and re-encoded (no EXIF), shown with their credit, in JSON-LD
(read with extruct), Open Graph and the feed (read with feedparser), and served with long cache headers."""

from __future__ import annotations

import io
from dataclasses import replace

import extruct
import feedparser
import html5lib
import pytest
from PIL import Image
from sqlalchemy import select

from tests.support.factories import drive, limits, login, make_article, make_user, post_form
from tests.web.test_public_site import page_url
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import LeadImage
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.errors import InvalidInput, NotAllowed
from workflow.services.images import ImageText, attach_lead_image

SITE = "http://localhost"
GPS_IFD = 0x8825


def photo(width=2000, height=1200, kind="JPEG", gps=True) -> bytes:
    """A picture as a camera would send it: with a GPS position in its EXIF block."""
    out = io.BytesIO()
    picture = Image.new("RGB", (width, height), (180, 40, 40))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "Adaptdesk Camera"  # Make
        exif.get_ifd(GPS_IFD)[2] = (33.0, 53.0, 0.0)  # GPSLatitude: Beirut
    picture.save(out, kind, **({"exif": exif} if kind in ("JPEG", "WEBP") and gps else {}))
    return out.getvalue()


def in_adaptation():
    reporter, adaptor = make_user(Role.REPORTER, name="Ahmad Abdallah"), make_user(Role.ADAPTOR)
    adaptation = make_article(reporter).adaptations[0]
    drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
    db.session.commit()
    return adaptation, adaptor


def publish_it(adaptation, adaptor):
    save_adaptation(
        db.session,
        adaptor,
        adaptation,
        title="Port reopens",
        body="First paragraph.\n\nSecond paragraph.",
        version=adaptation.version,
        limits=limits(),
    )
    perform_action(db.session, adaptor, adaptation, "submit")
    perform_action(db.session, make_user(Role.EDITOR), adaptation, "approve")
    db.session.commit()


def upload(client, adaptation, data, **fields):
    form = {"image": (io.BytesIO(data), "photo.jpg"), "alt": "Cranes at the port", **fields}
    return post_form(
        client, f"/desk/adaptations/{adaptation.id}/image", form, content_type="multipart/form-data"
    )


def test_an_adaptors_picture_is_on_the_page_with_credit_srcset_json_ld_og_and_feed(client):
    adaptation, adaptor = in_adaptation()
    login(client, adaptor)
    response = upload(client, adaptation, photo(), caption="The port at dawn.", credit="Rami Khoury")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    publish_it(adaptation, adaptor)
    reader = client.application.test_client()

    html = reader.get(page_url(adaptation)).get_data(as_text=True)

    tree = html5lib.parse(html, namespaceHTMLElements=False)
    figure = tree.find(".//figure[@class='lead-picture']")
    img = figure.find("img")
    assert img.get("alt") == "Cranes at the port" and img.get("sizes")
    srcset = [part.strip().rsplit(" ", 1) for part in img.get("srcset").split(",")]
    assert [w for _, w in srcset] == ["480w", "960w", "1600w"]
    assert (img.get("width"), img.get("height")) == ("1600", "960")
    assert "Photo: Rami Khoury" in "".join(figure.find("figcaption").itertext())
    assert "The port at dawn." in "".join(figure.find("figcaption").itertext())
    largest = srcset[-1][0]
    og = {m.get("property"): m.get("content") for m in tree.iter("meta") if m.get("property")}
    assert og["og:image"] == largest and og["og:image:alt"] == "Cranes at the port"

    data = extruct.extract(html, base_url=SITE, syntaxes=["json-ld"])["json-ld"][0]
    image = data["image"][0]
    assert image["@type"] == "ImageObject" and image["url"] == largest
    assert image["creditText"] == "Rami Khoury"
    assert image["creator"] == {"@type": "Person", "name": "Rami Khoury"}
    assert image["caption"] == "The port at dawn." and (image["width"], image["height"]) == (1600, 960)

    entry = feedparser.parse(reader.get("/news/feed.xml").get_data()).entries[0]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert [(e.href, e.type) for e in enclosures] == [(largest, "image/jpeg")]
    assert int(enclosures[0].length) > 0

    for url, width in srcset:
        with reader.get(url.removeprefix(SITE)) as served:
            assert served.status_code == 200 and served.mimetype == "image/jpeg"
            assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            with Image.open(io.BytesIO(served.get_data())) as picture:
                assert picture.format == "JPEG" and f"{picture.width}w" == width
                assert not picture.getexif() and not picture.getexif().get_ifd(GPS_IFD)
                assert "exif" not in picture.info


def test_an_originals_picture_shows_on_its_adaptations(session, client, app):
    adaptation, adaptor = in_adaptation()
    attach_lead_image(
        db.session,
        adaptation.article.reporter,
        data=photo(800, 600, "PNG", gps=False),
        alt="A street",
        credit="Agency",
        images_dir=app.config["ADAPTDESK"].data_dir / "images",
        max_bytes=10**7,
        article=adaptation.article,
    )
    publish_it(adaptation, adaptor)

    tree = html5lib.parse(
        client.get(page_url(adaptation)).get_data(as_text=True), namespaceHTMLElements=False
    )
    img = tree.find(".//figure[@class='lead-picture']/img")
    assert img.get("alt") == "A street" and img.get("srcset").count("w,") == 1  # 480 and 800


def test_a_reporter_uploads_through_the_report_page(client):
    adaptation, _ = in_adaptation()
    login(client, adaptation.article.reporter)
    response = post_form(
        client,
        f"/desk/reports/{adaptation.article_id}/image",
        {"image": (io.BytesIO(photo(gps=False)), "p.webp"), "alt": "Port"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    saved = db.session.scalars(select(LeadImage).where(LeadImage.article_id == adaptation.article_id)).all()
    assert [(image.alt, image.rendition_widths) for image in saved] == [("Port", [480, 960, 1600])]


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        (photo(gps=False), {"alt": "  "}, "alt text"),
        (photo(800, 600, "GIF", gps=False), {}, "GIF"),
        (b"not a picture at all", {}, "not a picture"),
        (photo(300, 200, gps=False), {}, "at least 480"),
        (b"", {}, "Choose a picture"),
        (photo(gps=False), {"credit": "x" * 201}, "credit"),
    ],
)
def test_bad_pictures_are_refused_with_a_message(client, data, fields, message):
    adaptation, adaptor = in_adaptation()
    login(client, adaptor)

    response = upload(client, adaptation, data, **fields)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_picture_larger_than_other_requests_may_be_is_taken(app, client):
    adaptation, adaptor = in_adaptation()
    login(client, adaptor)
    settings = app.config["ADAPTDESK"]
    app.config["ADAPTDESK"] = replace(settings, max_request_bytes=50_000)
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = upload(client, adaptation, photo(gps=False) + b"\0" * 200_000)  # JPEG ignores the tail
        refused = post_form(client, f"/desk/adaptations/{adaptation.id}/save", {"body": "x" * 200_000})
    finally:
        app.config["ADAPTDESK"] = settings
        app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    assert response.status_code == 302
    assert refused.status_code == 413


def test_a_picture_over_the_size_limit_is_refused(app, client):
    adaptation, adaptor = in_adaptation()
    login(client, adaptor)
    settings = app.config["ADAPTDESK"]
    app.config["ADAPTDESK"] = replace(settings, max_image_bytes=20_000)
    try:
        response = upload(client, adaptation, photo(gps=False) + b"\0" * 200_000)
    finally:
        app.config["ADAPTDESK"] = settings
    assert response.status_code == 413


def test_only_the_reporter_or_the_adaptor_may_set_a_picture(app, session):
    adaptation, _ = in_adaptation()
    images_dir = app.config["ADAPTDESK"].data_dir / "images"
    with pytest.raises(NotAllowed):
        attach_lead_image(
            session,
            make_user(Role.ADAPTOR),
            data=photo(),
            alt="Port",
            images_dir=images_dir,
            max_bytes=10**7,
            adaptation=adaptation,
        )
    with pytest.raises(NotAllowed):
        attach_lead_image(
            session,
            make_user(Role.REPORTER),
            data=photo(),
            alt="Port",
            images_dir=images_dir,
            max_bytes=10**7,
            article=adaptation.article,
        )
    with pytest.raises(InvalidInput):
        ImageText.parse("", "caption", "credit")


def test_unknown_picture_addresses_are_not_found(client):
    for url in ("/images/" + "0" * 32 + "-480.jpg", "/images/../../etc-480.jpg", "/images/ZZ-480.jpg"):
        assert client.get(url).status_code == 404
