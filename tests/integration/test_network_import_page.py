"""Coordinators import the network in the browser: problems or a preview, then confirm."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select

from paniers.demo.data import DATA
from paniers.extensions import db
from paniers.network.files import FILE_NAMES, zip_bytes
from paniers.points.models import PickupPoint
from tests.integration.test_network_import import REFERENCE, counts

PAGE = "/reseau/import"
COORDINATOR = "coordination@paniers.demo"


def uploads(folder: Path = REFERENCE, **changed: str) -> dict[str, tuple[io.BytesIO, str]]:
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in FILE_NAMES}
    for name, (old, new) in ((f"{k}.csv", v.split("=>")) for k, v in changed.items()):
        texts[name] = texts[name].replace(old, new, 1)
    return {name.removesuffix(".csv"): (io.BytesIO(text.encode()), name)
            for name, text in texts.items()}


def point_name(code: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(PickupPoint.name).where(PickupPoint.code == code))


def test_the_coordinator_sees_what_would_change_then_confirms(browser):
    browser.login(COORDINATOR)
    # The demo network as seeded, with one point renamed.
    page = browser.post(PAGE, uploads(DATA, network="Médiathèque=>Médiathèque Louis-Aragon"))
    assert page.status_code == 200
    assert "Ce qui changera" in page.text
    assert "Points de retrait : relay-lievin (modification)" in page.text
    assert point_name("relay-lievin") == "Médiathèque"  # nothing written yet
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page.html).group(1)
    done = browser.post("/reseau/import/confirmer", {"payload": payload}, form_page=PAGE)
    assert "Réseau importé : 0 ajout, 1 modification." in done.text
    assert point_name("relay-lievin") == "Médiathèque Louis-Aragon"


def test_bad_files_show_each_problem_and_change_nothing(browser):
    browser.login(COORDINATOR)
    before = counts()
    page = browser.post(PAGE, uploads(network="relay-lens,relay=>relay-lens,depot",
                                      fleet="Fri 06:00-17:00=>Fri 17:00-06:00"))
    assert "2 problèmes : rien n'a été importé" in page.text
    assert "network.csv, ligne 10, colonne « kind » : type « depot » inconnu" in page.text
    assert ("fleet.csv, ligne 2, colonne « shift » : « Fri 17:00-06:00 » : le créneau finit "
            "avant de commencer") in page.text
    assert "Confirmer l'import" not in page.text
    assert counts() == before


def test_a_zip_of_the_three_files_is_read_like_the_files(browser):
    browser.login(COORDINATOR)
    archive = zip_bytes({name: (REFERENCE / name).read_text(encoding="utf-8")
                         for name in FILE_NAMES})
    page = browser.post(PAGE, {"archive": (io.BytesIO(archive), "reseau.zip")})
    assert "Ce qui changera" in page.text


def test_a_missing_file_is_asked_for_next_to_its_field(browser):
    browser.login(COORDINATOR)
    files = uploads()
    del files["fleet"]
    page = browser.post(PAGE, files)
    assert "Choisir ce fichier (ou une archive zip des trois)." in page.text
    assert "Ce qui changera" not in page.text


def test_a_file_that_is_no_zip_is_refused_next_to_its_field(browser):
    browser.login(COORDINATOR)
    page = browser.post(PAGE, {"archive": (io.BytesIO(b"not a zip"), "reseau.zip")})
    assert "Ce n'est pas une archive zip lisible." in page.text


def test_the_export_downloads_the_three_files_in_a_zip(browser):
    browser.login(COORDINATOR)
    response = browser.client.get("/reseau/export")
    assert response.mimetype == "application/zip"
    assert response.data[:2] == b"PK"


def test_a_household_cannot_import(browser):
    browser.login("foyer@paniers.demo")
    assert browser.get(PAGE).status_code == 403


def test_hostile_uploads_get_a_clear_answer_and_change_nothing(browser):
    browser.login(COORDINATOR)
    before = counts()
    garbage = {"network": (io.BytesIO(b"\xff\xfe\x00binary"), "network.csv"),
               "produce": (io.BytesIO(b""), "produce.csv"),
               "fleet": (io.BytesIO(b"id\n" + b"x\n" * 1000), "fleet.csv")}
    page = browser.post(PAGE, garbage)
    assert page.status_code == 200
    assert "network.csv : le fichier n'est pas en UTF-8" in page.text
    assert "produce.csv : le fichier est vide" in page.text
    assert "fleet.csv : colonnes manquantes" in page.text
    for payload in ("", "not base64!", "QUJD", "UEsDBA=="):
        answer = browser.post("/reseau/import/confirmer", {"payload": payload}, form_page=PAGE)
        assert answer.status_code == 200
        assert "déposez les fichiers à nouveau" in answer.text
    assert counts() == before
