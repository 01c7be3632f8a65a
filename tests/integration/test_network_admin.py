"""The coordinators' « Réseau » pages, through the browser's forms with CSRF on: each kind
added, edited, refused with a message next to the field (nothing changed), deactivated
(gone from ordering, kept in history) and reactivated, each change in the journal."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import func, select

from canteens.models import Canteen
from paniers.cycles.models import BasketFormat
from paniers.extensions import db
from paniers.journal.models import JournalEntry
from paniers.orders import services as orders
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product
from tests.integration.week import open_week, product, user

COORDINATOR = "coordination@paniers.demo"


def count(model: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def named(model: Any, name: str) -> Any:
    db.session.expire_all()
    return db.session.scalar(select(model).where(model.name == name))


def journal(action: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(JournalEntry.subject).where(
        JournalEntry.action == action).order_by(JournalEntry.id)))


FARM = {"name": "Ferme des Hirondelles", "town": "Wingles", "address": "3 rue des Prés",
        "lat": "50,4930", "lon": "2,8520", "organic_status": "C2",
        "conversion_start_date": "2024-09-01", "farmed_area_ares": "12,5",
        "organic_area_ares": "8", "contact_name": "Inès Hirondelle",
        "contact_phone": "03 21 00 00 00", "contact_email": "ines@example.org"}


def test_a_coordinator_adds_a_farm_with_its_areas_in_hectares(browser):
    browser.login(COORDINATOR)
    page = browser.post("/reseau/fermes/nouveau", FARM)
    assert page.status_code == 200, page.text[:2000]
    assert "Ajouté au réseau : Ferme des Hirondelles" in page.text
    farm = named(Farm, "Ferme des Hirondelles")
    assert (farm.farmed_area_ares, farm.organic_area_ares) == (1250, 800)
    assert (farm.lat, farm.lon, farm.organic_status) == (50.493, 2.852, "C2")
    assert farm.active and farm.code == "farm-ferme-des-hirondelles"
    assert farm.distance_m > 0  # to the hub, for the allocation's fairness
    assert "12,5" in page.text  # shown back in hectares
    assert journal("network.created") == ["Ferme des Hirondelles"]


def test_every_page_of_the_network_opens_for_a_coordinator(browser):
    open_week()
    browser.login(COORDINATOR)
    assert "Fermes" in browser.get("/reseau/").text
    for kind in ("fermes", "produits", "points", "plateformes", "cantines", "paniers"):
        listing = browser.get(f"/reseau/{kind}/")
        assert listing.status_code == 200, kind
        ids = sorted({int(i) for i in re.findall(rf'href="/reseau/{kind}/(\d+)"', listing.html)})
        assert ids, f"nothing listed in {kind}"
        assert browser.get(f"/reseau/{kind}/{ids[0]}").status_code == 200, kind
        assert browser.get(f"/reseau/{kind}/nouveau").status_code == 200, kind
        for state in ("inactifs", "tous"):
            assert browser.get(f"/reseau/{kind}/?etat={state}").status_code == 200


def state(model: Any) -> list[tuple[Any, ...]]:
    """Every row of a model as plain values: what a refused form must leave as it was."""
    db.session.expire_all()
    rows = db.session.scalars(select(model).order_by(model.id))
    return [tuple(getattr(row, c.key) for c in model.__table__.columns) for row in rows]


def test_a_refused_farm_says_why_next_to_each_field_and_changes_nothing(browser):
    browser.login(COORDINATOR)
    before, entries = state(Farm), count(JournalEntry)
    page = browser.post("/reseau/fermes/nouveau", FARM | {
        "lat": "40,1", "farmed_area_ares": "5", "organic_area_ares": "7,25",
        "conversion_start_date": ""})
    assert page.status_code == 400
    assert "hors de France métropolitaine" in page.text
    assert "ne peut dépasser la surface cultivée" in page.text
    assert "date où la conversion a commencé" in page.text
    assert state(Farm) == before and count(JournalEntry) == entries
    # A name another farm has is refused too, beside the name.
    marais = db.session.scalar(select(Farm.name).where(Farm.code == "farm-marais"))
    page = browser.post("/reseau/fermes/nouveau", FARM | {"name": marais.upper()})
    assert "Une ferme porte déjà ce nom." in page.text
    assert state(Farm) == before


def test_a_coordinator_edits_a_farm_and_the_journal_says_who(browser):
    browser.login(COORDINATOR)
    farm = db.session.scalar(select(Farm).where(Farm.code == "farm-marais"))
    edit = f"/reseau/fermes/{farm.id}"
    form = FARM | {"name": farm.name, "town": farm.town, "lat": str(farm.lat).replace(".", ","),
                   "lon": str(farm.lon), "organic_status": "AB", "conversion_start_date": ""}
    page = browser.post(edit, form)
    assert "Fiche enregistrée." in page.text
    farm = named(Farm, farm.name)
    assert (farm.organic_status, farm.contact_name) == ("AB", "Inès Hirondelle")
    entry = db.session.scalar(select(JournalEntry).where(
        JournalEntry.action == "network.updated"))
    assert entry.subject == farm.name and "organic_status" in entry.params["fields"]
    assert "Claire Coordination" in browser.get("/coordination/journal/").text
    # The same form again changes nothing, and writes nothing in the journal.
    browser.post(edit, form)
    assert len(journal("network.updated")) == 1


PRODUCT = {"name": "Panais", "category": "vegetable", "unit": "kg", "unit_weight_g": "1000",
           "months": ["10", "11", "12", "1", "2", "3"], "reference_price_cents": "3,20",
           "price_basis": "prix du marché de Lens", "nursery_portion_g": "",
           "origin": "network", "origin_reason": ""}


def test_a_coordinator_adds_a_product_in_season_from_october_to_march(browser, app):
    browser.login(COORDINATOR)
    page = browser.post("/reseau/produits/nouveau", PRODUCT)
    assert "Ajouté au réseau : Panais" in page.text
    parsnip = named(Product, "Panais")
    assert (parsnip.months, parsnip.reference_price_cents, parsnip.nursery_portion_g) == (
        "10-12;1-3", 320, None)
    assert parsnip.in_season(1) and not parsnip.in_season(6)
    # Bought outside the network, a product says why.
    before = state(Product)
    page = browser.post(f"/reseau/produits/{parsnip.id}", PRODUCT | {
        "origin": "outside", "reference_price_cents": "3,205", "months": []})
    assert page.status_code == 400
    assert "Dites pourquoi ce produit est acheté hors du réseau." in page.text
    assert "Au plus deux décimales" in page.text
    assert "Cochez au moins un mois." in page.text
    assert state(Product) == before
    browser.post(f"/reseau/produits/{parsnip.id}", PRODUCT | {
        "origin": "outside", "origin_reason": "aucune ferme du réseau n'en cultive"})
    assert named(Product, "Panais").origin == "outside"


POINT = {"name": "Médiathèque Nelson Mandela", "kind": "relay", "town": "Liévin",
         "address": "1 place de la République", "lat": "50,4230", "lon": "2,7790",
         "capacity_baskets": "30", "delivery_weekday": "5", "delivery_start_min": "13:00",
         "delivery_end_min": "15:00", "delivery_overrides": "", "pickup_weekday": "5",
         "pickup_start_min": "16h30", "pickup_end_min": "19:00",
         "pickup_overrides": "samedi 10:00-12:00", "access_notes": "Entrée côté parking",
         "phone": "03 21 44 00 00", "notes": ""}


def test_a_coordinator_adds_a_relay_point_with_a_saturday_pickup(browser):
    browser.login(COORDINATOR)
    page = browser.post("/reseau/points/nouveau", POINT)
    assert "Ajouté au réseau : Médiathèque Nelson Mandela" in page.text
    point = named(PickupPoint, "Médiathèque Nelson Mandela")
    assert (point.pickup_start_min, point.pickup_end_min) == (16 * 60 + 30, 19 * 60)
    assert point.pickup_overrides == "Sat 10:00-12:00"
    assert point.orderable and point.capacity_baskets == 30
    assert "samedi 10:00-12:00" in page.text  # shown back in French


def test_a_point_whose_window_ends_before_it_starts_is_refused(browser):
    browser.login(COORDINATOR)
    before = state(PickupPoint)
    page = browser.post("/reseau/points/nouveau", POINT | {
        "pickup_end_min": "15:00", "delivery_start_min": "25:00",
        "delivery_overrides": "vendredi 08:00-09:00", "pickup_overrides": "dimanche 12:00-10:00"})
    assert page.status_code == 400
    assert "La fin de la plage doit venir après son début." in page.text
    assert "Heure au format HH:MM" in page.text
    assert "Ce jour est déjà celui de la plage principale" in page.text
    assert "Une plage doit finir après son début." in page.text
    assert state(PickupPoint) == before


def test_a_deactivated_point_is_no_longer_offered_but_past_orders_still_show_it(browser, app):
    cycle = open_week()
    bully = db.session.scalar(select(PickupPoint).where(PickupPoint.code == "relay-bully"))
    orders.place_order(user("foyer@paniers.demo"), cycle.id, bully.id,
                       orders.Cart({}, {product("Œufs").id: 1}))
    browser.login(COORDINATOR)
    page = browser.post(f"/reseau/points/{bully.id}/desactiver", {},
                        form_page=f"/reseau/points/{bully.id}")
    assert "Plus proposé à la commande, gardé dans l'historique" in page.text
    listed = f">{bully.name}</a>"
    assert listed not in browser.get("/reseau/points/").text
    assert listed in browser.get("/reseau/points/?etat=inactifs").text
    assert journal("network.deactivated") == [bully.name]

    household = type(browser)(app)
    household.login("foyer@paniers.demo")
    offered = f"— {bully.name} ·"
    catalogue = household.get("/catalogue").text
    assert "Centre social Jean-Jaurès" in catalogue and offered not in catalogue
    assert offered in household.get("/mes-commandes").text  # the week's order keeps it

    browser.post(f"/reseau/points/{bully.id}/reactiver", {}, form_page=f"/reseau/points/{bully.id}")
    assert named(PickupPoint, bully.name).active
    assert journal("network.reactivated") == [bully.name]


def test_a_coordinator_adds_a_hub_and_a_canteen_delivered_at_a_canteen_point(browser):
    browser.login(COORDINATOR)
    page = browser.post("/reseau/plateformes/nouveau", {
        "name": "Dépôt de Lens", "town": "Lens", "address": "", "lat": "50,43", "lon": "2,83",
        "weekday": "5", "open_start_min": "05:30", "open_end_min": "18:00", "notes": ""})
    assert "Ajouté au réseau : Dépôt de Lens" in page.text
    assert named(Hub, "Dépôt de Lens").open_start_min == 330

    relay = db.session.scalar(select(PickupPoint).where(PickupPoint.code == "relay-loos"))
    school = db.session.scalar(select(PickupPoint).where(PickupPoint.kind == "canteen"))
    canteen = {"name": "École Pasteur", "kind": "nursery", "point_id": str(relay.id),
               "meals_per_day": "90", "service_days": ["1", "2", "4", "5"],
               "local_target_pct": "100", "budget_cents_per_meal": "2,10"}
    before = state(Canteen)
    page = browser.post("/reseau/cantines/nouveau", canteen)
    assert "Choisissez un point de livraison de type cantine." in page.text
    assert state(Canteen) == before
    page = browser.post("/reseau/cantines/nouveau", canteen | {"point_id": str(school.id)})
    assert "Ajouté au réseau : École Pasteur" in page.text
    added = named(Canteen, "École Pasteur")
    assert (added.service_days, added.budget_cents_per_meal, added.local_target_pct) == (
        "1,2,4,5", 210, 100)


def test_a_coordinator_adds_a_basket_format_to_the_coming_week(browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    form = {"semaine": str(cycle.id), "name": "Panier famille", "price_cents": "30",
            "solidarity_price_cents": "12", "target_weight_g": "7,5", "min_products": "7",
            "quota": "20"}
    before = state(BasketFormat)
    page = browser.post("/reseau/paniers/nouveau", form | {"solidarity_price_cents": "31"})
    assert "Le prix solidaire ne peut dépasser le prix du panier." in page.text
    assert state(BasketFormat) == before
    page = browser.post("/reseau/paniers/nouveau", form)
    assert "Panier famille" in page.text
    family = named(BasketFormat, "Panier famille")
    assert (family.cycle_id, family.price_cents, family.solidarity_price_cents,
            family.target_weight_g, family.quota) == (cycle.id, 3000, 1200, 7500, 20)


def test_a_format_households_bought_keeps_its_price_that_week(browser, app):
    cycle = open_week()
    small = cycle.formats[0]
    orders.place_order(user("foyer@paniers.demo"), cycle.id,
                       db.session.scalar(select(PickupPoint.id).where(
                           PickupPoint.code == "relay-loos")),
                       orders.Cart({small.id: 1}, {}))
    browser.login(COORDINATOR)
    edit = f"/reseau/paniers/{small.id}"
    before = state(BasketFormat)
    page = browser.post(edit, {"name": "Petit panier", "price_cents": "13",
                               "solidarity_price_cents": "", "target_weight_g": "3",
                               "min_products": "4", "quota": "10"})
    assert "Des foyers ont déjà acheté ce panier" in page.text
    assert state(BasketFormat) == before
    page = browser.post(edit, {"name": "Petit panier", "price_cents": "12",
                               "solidarity_price_cents": "", "target_weight_g": "3",
                               "min_products": "4", "quota": "0"})
    assert "Déjà 1 panier vendu : le quota ne peut descendre en dessous." in page.text
    assert state(BasketFormat) == before


def test_a_farmer_keeps_their_farms_profile_and_no_other(browser):
    farmer = user("producteur@paniers.demo")
    other = db.session.scalar(select(Farm).where(Farm.id != farmer.farm_id))
    browser.login("producteur@paniers.demo")
    own = f"/fermes/{farmer.farm_id}/profil"
    assert "Profil de la ferme" in browser.get("/producteur/offre").text
    page = browser.post(own, {"address": "Chemin du Marais", "contact_name": "Paul",
                              "contact_phone": "06 00 00 00 00", "contact_email": "",
                              "farmed_area_ares": "20", "organic_area_ares": "21"})
    assert "ne peut dépasser la surface cultivée" in page.text
    page = browser.post(own, {"address": "Chemin du Marais", "contact_name": "Paul",
                              "contact_phone": "06 00 00 00 00", "contact_email": "",
                              "farmed_area_ares": "20", "organic_area_ares": "12,75",
                              "name": "Ferme renommée", "lat": "43"})  # not theirs to change
    assert "Le profil de la ferme est enregistré." in page.text
    db.session.expire_all()
    farm = db.session.get(Farm, farmer.farm_id)
    assert (farm.address, farm.farmed_area_ares, farm.organic_area_ares) == (
        "Chemin du Marais", 2000, 1275)
    assert farm.name != "Ferme renommée" and farm.lat != 43
    before = state(Farm)
    assert browser.get(f"/fermes/{other.id}/profil").status_code == 403
    refused = browser.client.post(f"/fermes/{other.id}/profil", data={
        "csrf_token": browser.csrf(own), "address": "pris"})
    assert refused.status_code == 403 and state(Farm) == before


def test_a_host_keeps_their_points_access_notes_and_no_other(browser, app):
    host = user("hote@paniers.demo")
    other = db.session.scalar(select(PickupPoint).where(PickupPoint.id != host.point_id))
    browser.login("hote@paniers.demo")
    own = f"/points/{host.point_id}/acces"
    page = browser.post(own, {"access_notes": "Sonner à l'accueil", "phone": "03 21 00 11 22",
                              "name": "Autre nom"})
    assert "Les informations d'accès sont enregistrées." in page.text
    db.session.expire_all()
    point = db.session.get(PickupPoint, host.point_id)
    assert (point.access_notes, point.phone) == ("Sonner à l'accueil", "03 21 00 11 22")
    assert point.name != "Autre nom"
    before = state(PickupPoint)
    assert browser.get(f"/points/{other.id}/acces").status_code == 403
    refused = browser.client.post(f"/points/{other.id}/acces", data={
        "csrf_token": browser.csrf(own), "access_notes": "pris"})
    assert refused.status_code == 403 and state(PickupPoint) == before
    assert browser.get("/reseau/points/").status_code == 403


def test_a_deactivated_product_leaves_the_catalogue_and_stays_in_past_orders(browser, app):
    cycle = open_week(supply={"Pomme de terre": 50_000, "Œufs": 10})
    eggs = product("Œufs")
    orders.place_order(user("foyer@paniers.demo"), cycle.id,
                       db.session.scalar(select(PickupPoint.id).where(
                           PickupPoint.code == "relay-loos")),
                       orders.Cart({}, {eggs.id: 1}))
    household = type(browser)(app)
    household.login("foyer@paniers.demo")
    assert "Œufs" in household.get("/catalogue").text

    browser.login(COORDINATOR)
    browser.post(f"/reseau/produits/{eggs.id}/desactiver", {},
                 form_page=f"/reseau/produits/{eggs.id}")
    assert not named(Product, "Œufs").active
    assert "Œufs" not in household.get("/catalogue").text
    assert "Œufs" in household.get("/mes-commandes").text
    assert ">Œufs</a>" in browser.get("/reseau/produits/?etat=inactifs").text


def test_a_deactivated_basket_format_is_no_longer_offered_that_week(browser, app):
    cycle = open_week()
    large = next(f for f in cycle.formats if f.code == "large")
    household = type(browser)(app)
    household.login("foyer@paniers.demo")
    assert "Grand panier" in household.get("/catalogue").text
    browser.login(COORDINATOR)
    page = browser.post(f"/reseau/paniers/{large.id}/desactiver", {},
                        form_page=f"/reseau/paniers/{large.id}")
    assert "Désactivé : Grand panier" in page.text
    assert "Grand panier" not in household.get("/catalogue").text
    assert journal("network.deactivated") == [f"Grand panier ({cycle.delivery_date.isoformat()})"]


def test_the_next_week_starts_with_the_formats_as_coordinators_last_set_them(browser):
    from datetime import timedelta

    from paniers.cycles.models import OrderCycle

    cycle = open_week()
    browser.login(COORDINATOR)
    browser.post("/reseau/paniers/nouveau", {
        "semaine": str(cycle.id), "name": "Panier famille", "price_cents": "30",
        "solidarity_price_cents": "12", "target_weight_g": "7,5", "min_products": "7",
        "quota": "20"})
    large = next(f for f in cycle.formats if f.code == "large")
    browser.post(f"/reseau/paniers/{large.id}/desactiver", {},
                 form_page=f"/reseau/paniers/{large.id}")

    later = cycle.delivery_date + timedelta(days=7)
    browser.post("/coordination/cycles", {
        "delivery_date": later.isoformat(), "cutoff": (later - timedelta(days=2)).isoformat()
        + "T06:00", "quota_small": "30", "quota_medium": "40", "quota_large": "20"})
    db.session.expire_all()
    week = db.session.scalar(select(OrderCycle).where(OrderCycle.delivery_date == later))
    offered = {f.label: (f.price_cents, f.solidarity_price_cents, f.quota) for f in week.formats}
    assert offered == {"Petit panier": (1200, None, 30), "Panier moyen": (1800, None, 40),
                       "Panier famille": (3000, 1200, 20)}


def test_the_only_active_hub_cannot_be_deactivated(browser):
    hub = db.session.scalar(select(Hub))
    browser.login(COORDINATOR)
    page = browser.post(f"/reseau/plateformes/{hub.id}/desactiver", {},
                        form_page=f"/reseau/plateformes/{hub.id}")
    assert "C'est la seule plateforme active" in page.text
    assert named(Hub, hub.name).active and journal("network.deactivated") == []


NETWORK_TABLES = ["farms", "products", "pickup_points", "hubs", "canteens", "basket_formats",
                  "journal_entries"]


def test_the_network_forms_survive_hostile_values(browser, monkeypatch):
    """Whatever is typed, never a server error, and a refused form writes nothing."""
    from tests.integration import test_fuzz_forms as fuzzing

    monkeypatch.setattr(fuzzing, "WRITTEN", NETWORK_TABLES)
    cycle = open_week()
    farm = db.session.scalar(select(Farm).where(Farm.code == "farm-marais"))
    point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == "relay-loos"))
    browser.login(COORDINATOR)
    fuzzing.fuzz(browser, f"/reseau/fermes/{farm.id}", "lat")
    fuzzing.fuzz(browser, "/reseau/points/nouveau", "pickup_overrides", defaults=POINT)
    fuzzing.fuzz(browser, f"/reseau/produits/{product('Carotte').id}", "months")
    fuzzing.fuzz(browser, f"/reseau/paniers/{cycle.formats[0].id}", "solidarity_price_cents")
    fuzzing.fuzz(browser, "/reseau/cantines/nouveau", "service_days", defaults={
        "name": "Crèche", "kind": "nursery", "meals_per_day": "20", "local_target_pct": "100",
        "budget_cents_per_meal": "2"})
    farmer = type(browser)(browser.app)
    farmer.login("producteur@paniers.demo")
    fuzzing.fuzz(farmer, f"/fermes/{user('producteur@paniers.demo').farm_id}/profil",
                 "farmed_area_ares")
    host = type(browser)(browser.app)
    host.login("hote@paniers.demo")
    fuzzing.fuzz(host, f"/points/{point.id}/acces", "access_notes")


def test_the_network_pages_speak_english_too(browser):
    browser.login(COORDINATOR)
    browser.post("/langue/en", {}, form_page="/reseau/")
    page = browser.get("/reseau/produits/nouveau").text
    assert "New product" in page and "Months in season" in page and "October" in page
    page = browser.post("/reseau/fermes/nouveau", FARM | {"lat": "60"})
    assert "This position is outside metropolitan France" in page.text


def test_a_points_page_lists_its_hosts_and_the_address_still_to_invite(browser):
    host = user("hote@paniers.demo")
    point = db.session.get(PickupPoint, host.point_id)
    point.host_email = "nouvel-hote@example.org"
    db.session.commit()
    browser.login(COORDINATOR)
    page = browser.get(f"/reseau/points/{point.id}")
    assert host.name in page.text and "hote@paniers.demo" in page.text
    assert "À inviter comme hôte : nouvel-hote@example.org" in page.text
    # « Inviter un hôte de ce point » opens the members' invitation, already filled in.
    link = re.search(r'href="(/coordination/membres/\?[^"]+)#inviter"[^>]*>'
                     r"Inviter un hôte de ce point", page.text)
    assert link, "no invitation link on the point's page"
    form = browser.get(html.unescape(link.group(1))).text
    assert 'value="nouvel-hote@example.org"' in form
    assert '<option selected value="relay_host">' in form
    assert f'<option selected value="{point.id}">' in form


def test_a_product_of_a_category_the_import_brought_can_still_be_edited(browser):
    carrot = product("Carotte")
    carrot.category = "root"
    db.session.commit()
    browser.login(COORDINATOR)
    page = browser.post(f"/reseau/produits/{carrot.id}", PRODUCT | {
        "name": "Carotte", "category": "root", "reference_price_cents": "2,50"})
    assert "Fiche enregistrée." in page.text
    assert named(Product, "Carotte").reference_price_cents == 250


def test_what_the_pages_add_exports_and_imports_back_unchanged(browser):
    from paniers.network import export
    from paniers.network import services as network_files

    browser.login(COORDINATOR)
    browser.post("/reseau/fermes/nouveau", FARM | {"drop_windows": "jeudi 14:00-18:00"})
    browser.post("/reseau/points/nouveau", POINT)
    browser.post("/reseau/produits/nouveau", PRODUCT)
    texts = export.network_texts()
    assert "Ferme des Hirondelles" in texts["network.csv"]
    assert "Sat 10:00-12:00" in texts["network.csv"] and "Panais" in texts["produce.csv"]
    result = network_files.import_network(
        {name: text.encode() for name, text in texts.items()}, dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.total("created") == result.total("updated") == 0
