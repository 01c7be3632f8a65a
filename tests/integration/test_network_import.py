"""Importing and exporting the whole network: exact round trip, all or nothing, French problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from paniers.accounts.models import Invitation as InvitationRow
from paniers.delivery.models import Vehicle
from paniers.demo.data import DATA
from paniers.extensions import db
from paniers.journal.models import JournalEntry
from paniers.network import export
from paniers.network.files import FILE_NAMES, folder_texts
from paniers.network.services import import_network
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product

# The reference data exactly as the project received it (the demo's copy adds a source
# line and spells two names without accents).
REFERENCE = Path(__file__).resolve().parents[1] / "support" / "network_reference"


@pytest.fixture()
def empty_app(tmp_path: Path) -> Iterator[Any]:
    """An instance that has never seen the demo: migrated, nothing else."""
    from paniers import create_app
    from paniers.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Hub, Farm, PickupPoint, Product, Vehicle, JournalEntry)}


def bad_folder(tmp_path: Path, **replacements: list[tuple[str, str]]) -> Path:
    """The reference files with some lines rewritten (``network=[(old, new), ...]``)."""
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in FILE_NAMES:
        text = (REFERENCE / name).read_text(encoding="utf-8")
        for old, new in replacements.get(name.removesuffix(".csv"), []):
            assert old in text
            text = text.replace(old, new, 1)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_reference_network_imported_into_an_empty_instance_exports_to_identical_files(
        empty_app, tmp_path):
    result = import_network(folder_texts(REFERENCE))
    assert result.ok and result.applied
    assert result.counts["point"]["created"] == 18 and result.counts["product"]["created"] == 30
    export.export_folder(tmp_path / "out")
    for name in FILE_NAMES:
        assert (tmp_path / "out" / name).read_bytes() == (REFERENCE / name).read_bytes(), name


def test_importing_the_same_files_twice_changes_nothing_the_second_time(empty_app):
    import_network(folder_texts(REFERENCE))
    before = counts()
    again = import_network(folder_texts(REFERENCE))
    assert again.ok
    assert again.total("created") == again.total("updated") == 0
    assert again.total("unchanged") == 1 + 6 + 18 + 30 + 3
    assert counts() == before  # not even a journal line


def test_the_demo_copy_round_trips_without_its_source_line(app, tmp_path):
    export.export_folder(tmp_path)
    for name in FILE_NAMES:
        original = (DATA / name).read_text(encoding="utf-8").splitlines(keepends=True)
        assert (tmp_path / name).read_text(encoding="utf-8") == "".join(
            line for line in original if not line.startswith("#"))


def test_a_dry_run_tells_what_would_change_and_writes_nothing(app, tmp_path):
    folder = bad_folder(tmp_path, network=[("Médiathèque", "Médiathèque Louis-Aragon")],
                        produce=[("Pain,bakery", "Brioche,bakery")])
    before = counts()
    result = import_network(folder_texts(folder), dry_run=True)
    assert result.ok and not result.applied
    assert result.counts["point"]["updated"] == 1  # Liévin's library
    assert result.counts["product"]["created"] == 1  # Brioche
    assert counts() == before


def test_an_import_that_changes_a_point_says_so_in_the_journal(app, tmp_path):
    assert import_network(folder_texts(REFERENCE), source="reseau-2025").applied
    folder = bad_folder(tmp_path, network=[("Médiathèque", "Médiathèque Louis-Aragon")])
    result = import_network(folder_texts(folder), source="reseau-2026")
    assert result.applied
    point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == "relay-lievin"))
    assert point.name == "Médiathèque Louis-Aragon"
    entry = db.session.scalars(select(JournalEntry).where(
        JournalEntry.action == "network.imported").order_by(JournalEntry.id.desc())).first()
    assert entry.subject == "reseau-2026"
    assert entry.params["updated"] == 1 and entry.params["created"] == 0


BAD_ROWS = {
    "network": [
        ("relay-lens,relay", "relay-lens,depot"),
        ("relay-lievin,relay", "relay-loos,relay"),
        ("Grenay,50.4528,2.7439", "Grenay,2.7439,50.4528"),
        ("Mairie annexe,Mazingarbe,50.4739,2.7192,20,Fri 13:00-16:00,Fri 17:00-19:00",
         "Mairie annexe,Mazingarbe,50.4739,2.7192,20,Fri 13:00-16:00,Fri 19:00-17:00"),
        ("Foyer rural,Hulluch,50.4867,2.8175,20", "Foyer rural,Hulluch,50.4867,2.8175,vingt"),
    ],
    "produce": [
        ("Chou-fleur,vegetable,piece", "Chou-fleur,vegetable,crate"),
        ("Navet,vegetable,kg,1,5-6;9-12;1-3", "Navet,vegetable,kg,1,5-6;9-13;1-3"),
        ("Tomate,vegetable,kg,1,7-9,4.44", 'Tomate,vegetable,kg,1,7-9,"4,44"'),
        ("Courgette,vegetable,kg,1,6-9,4.06", "Courgette,vegetable,kg,1,6-9,4,06"),
    ],
    "fleet": [("bike-1,cargo_bike,Vélo cargo électrique,hub-loos",
               "bike-1,cargo_bike,Vélo cargo électrique,hub-lens")],
}


def test_every_bad_row_is_reported_at_once_with_file_line_and_column_and_nothing_is_written(
        app, tmp_path):
    before = counts()
    result = import_network(folder_texts(bad_folder(tmp_path, **BAD_ROWS)))
    assert not result.applied
    assert counts() == before
    where = {(p.file, p.line, p.column) for p in result.problems}
    assert where == {
        ("network.csv", 10, "kind"), ("network.csv", 11, "id"), ("network.csv", 12, "lat"),
        ("network.csv", 14, "pickup_window"), ("network.csv", 15, "capacity_baskets"),
        ("produce.csv", 6, "unit"), ("produce.csv", 10, "months"),
        ("produce.csv", 20, "price_eur_per_unit"), ("produce.csv", 21, ""),
        ("fleet.csv", 4, "start"),
        ("fleet.csv", 4, "end"),
    }
    text = "\n".join(str(problem) for problem in result.problems)
    assert "network.csv, ligne 10, colonne « kind » : type « depot » inconnu" in text
    assert "« relay-loos » est déjà à la ligne 9" in text
    assert "hors de France" in text
    assert "le créneau finit avant de commencer" in text
    assert "unité « crate » inconnue" in text
    assert "des mois de 1 à 12" in text
    assert "« 4,44 » n'est pas un nombre (un point pour les décimales)" in text
    assert "produce.csv, ligne 21 : 9 cellules au lieu de 8" in text
    assert "« hub-lens » n'est pas une plateforme du réseau" in text


def test_a_missing_file_or_column_is_named(app, tmp_path):
    folder = bad_folder(tmp_path)
    (folder / "fleet.csv").unlink()
    text = (folder / "produce.csv").read_text(encoding="utf-8")
    (folder / "produce.csv").write_text(text.replace(",nursery_portion_g", ",portion", 1),
                                        encoding="utf-8")
    result = import_network(folder_texts(folder))
    messages = [str(problem) for problem in result.problems]
    assert "fleet.csv : fichier manquant" in messages
    assert "produce.csv : colonnes manquantes : nursery_portion_g" in messages


def test_a_file_that_is_not_utf8_is_refused_with_a_hint(app, tmp_path):
    folder = bad_folder(tmp_path)
    text = (folder / "network.csv").read_text(encoding="utf-8")
    (folder / "network.csv").write_bytes(text.encode("latin-1"))
    (problem,) = import_network(folder_texts(folder)).problems
    assert "UTF-8" in str(problem)


def test_addresses_phones_and_emails_are_kept_and_the_new_people_listed_to_invite(
        empty_app, tmp_path):
    folder = bad_folder(tmp_path)
    lines = (folder / "network.csv").read_text(encoding="utf-8").splitlines()
    lines[0] += ",address,phone,email"
    for number, line in enumerate(lines[1:], start=1):
        lines[number] = line + ",,,"
    lines[2] = lines[2][:-3] + ',"12 rue du Marais, Loos",03 21 00 00 00,jean@marais.example'
    lines[8] = lines[8][:-3] + ",,,hote@loos.example"
    (folder / "network.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_network(folder_texts(folder))
    farm = db.session.scalar(select(Farm).where(Farm.code == "farm-marais"))
    assert (farm.address, farm.contact_phone) == ("12 rue du Marais, Loos", "03 21 00 00 00")
    assert [(i.email, i.role, i.code) for i in result.to_invite] == [
        ("jean@marais.example", "farmer", "farm-marais"),
        ("hote@loos.example", "relay_host", "relay-loos")]
    assert result.to_invite[0].farm_id == farm.id
    # Each one is invited: a pending invitation tied to their farm or point, its e-mail
    # handed to the workers once the import commits.
    pending = {(i.email, i.role, i.farm_id, i.point_id)
               for i in db.session.scalars(select(InvitationRow))}
    assert ("jean@marais.example", "farmer", farm.id, None) in pending
    assert any(p[0] == "hote@loos.example" and p[1] == "relay_host" for p in pending)
    assert import_network(folder_texts(folder)).to_invite == []  # invited once
    assert len(db.session.scalars(select(InvitationRow)).all()) == 2
    export.export_folder(tmp_path / "out")
    assert (tmp_path / "out" / "network.csv").read_text(encoding="utf-8") == (
        folder / "network.csv").read_text(encoding="utf-8")


def test_the_command_exits_non_zero_and_lists_each_problem_in_french(app, tmp_path):
    runner = app.test_cli_runner()
    outcome = runner.invoke(args=["network", "import", str(bad_folder(tmp_path, **BAD_ROWS))])
    assert outcome.exit_code != 0
    assert "network.csv, ligne 12, colonne « lat »" in outcome.output
    assert "rien n'a été importé" in outcome.output


def test_the_command_dry_run_prints_the_counts_per_kind(app, tmp_path):
    runner = app.test_cli_runner()
    outcome = runner.invoke(args=["network", "import", str(DATA), "--dry-run"])
    assert outcome.exit_code == 0, outcome.output
    assert "Points de retrait : 0 à ajouter, 0 à modifier, 18 sans changement" in outcome.output
    assert "Essai : rien n'a été écrit." in outcome.output
    exported = runner.invoke(args=["network", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILE_NAMES)


def test_a_point_open_on_other_days_keeps_each_weekdays_window_and_writes_them_back(
        empty_app, tmp_path):
    folder = bad_folder(tmp_path, network=[(
        "Fri 09:00-12:00,Fri 09:00-19:00,partner shop; baskets",
        "Fri 09:00-12:00; Sat 08:00-10:00,Fri 09:00-19:00; Sat 09:00-12:30,"
        "partner shop; baskets")])
    assert import_network(folder_texts(folder)).applied
    shop = db.session.scalar(select(PickupPoint).where(PickupPoint.code == "shop-lens"))
    assert (shop.delivery_weekday, shop.delivery_start_min, shop.delivery_end_min) == (
        5, 540, 720)
    assert shop.pickup_overrides == "Sat 09:00-12:30"
    export.export_folder(tmp_path / "out")
    assert (tmp_path / "out" / "network.csv").read_bytes() == (folder / "network.csv").read_bytes()


def test_an_id_already_naming_another_kind_of_thing_is_refused(app, tmp_path):
    folder = bad_folder(tmp_path, network=[("relay-loos,relay", "farm-marais,relay")])
    problems = [str(p) for p in import_network(folder_texts(folder)).problems]
    assert problems == ["network.csv, ligne 9, colonne « id » : « farm-marais » est déjà à la "
                        "ligne 3",
                        "network.csv, ligne 9, colonne « id » : « farm-marais » désigne déjà "
                        "autre chose dans le réseau (farm)"]
