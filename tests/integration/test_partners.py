"""Partners' tokens (issued once, stored hashed, revoked) and the Data Food Consortium
catalogue of a farm's week, expanded with pyld without any network access."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

import pytest
from pyld import jsonld
from sqlalchemy import select

from paniers.cycles.models import ProductStock
from paniers.extensions import db
from paniers.journal.models import JournalEntry
from paniers.orders import services as orders
from paniers.partners.dfc import DFC_BUSINESS, DFC_MEASURES
from paniers.partners.models import PartnerToken
from paniers.points.models import PickupPoint
from producers.models import Farm, SupplyOffer
from tests.integration.week import open_week, product, user

COORDINATOR = "coordination@paniers.demo"
B = DFC_BUSINESS


def no_network(url, options=None):
    raise jsonld.JsonLdError(f"refused to fetch {url}: the context must be inline",
                             "loading document failed", code="loading document failed")


def issue(browser, partner="Hub Open Food Network de Lille"):
    page = browser.post("/coordination/partenaires", {"partner": partner},
                        form_page="/coordination/partenaires").text
    match = re.search(r'<code class="token">([^<]+)</code>', page)
    assert match, "the token is not shown"
    return match.group(1)


def marais_id():
    return db.session.scalar(select(Farm.id).where(Farm.code == "farm-marais"))


def catalogue(app, token, cycle_id, farm_id=None):
    """As a partner asks: no session, the token in the header."""
    return app.test_client().get(f"/dfc/fermes/{farm_id or marais_id()}/cycles/{cycle_id}",
                              headers={"Authorization": f"Bearer {token}"})


def values(node, term):
    return [v.get("@value", v.get("@id")) for v in node.get(B + term, [])]


def test_a_token_is_shown_once_stored_hashed_and_revoked_gives_401(app, browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    token = issue(browser)
    stored = db.session.scalar(select(PartnerToken))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in browser.get("/coordination/partenaires").text  # shown once only
    assert catalogue(app, token, cycle.id).status_code == 200

    page = browser.post("/coordination/partenaires/revoquer", {"token_id": stored.id},
                        form_page="/coordination/partenaires").text
    assert "révoqué" in page
    refused = catalogue(app, token, cycle.id)
    assert refused.status_code == 401 and "Bearer" in refused.headers["WWW-Authenticate"]
    actions = list(db.session.scalars(select(JournalEntry.action)))
    assert {"partner.token_issued", "partner.token_revoked"} <= set(actions)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer not-a-token", "Basic abc"])
def test_without_a_valid_token_the_catalogue_is_refused(app, header):
    cycle = open_week()
    client = app.test_client()
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/dfc/fermes/{marais_id()}/cycles/{cycle.id}", headers=headers)
    assert response.status_code == 401
    assert "Ferme du Marais" not in response.get_data(as_text=True)


def test_a_partner_name_is_required(app, browser):
    browser.login(COORDINATOR)
    page = browser.post("/coordination/partenaires", {"partner": "  "},
                        form_page="/coordination/partenaires")
    assert "Nommez le partenaire qui recevra ce jeton." in page.text
    assert db.session.scalar(select(PartnerToken)) is None


def test_the_dfc_catalogue_expands_to_the_farms_products_stock_and_prices(app, browser):
    cycle = open_week(supply={"Pomme de terre": 50_000, "Œufs": 20})
    household = user("foyer@paniers.demo")
    loos = db.session.scalar(select(PickupPoint.id).where(PickupPoint.code == "relay-loos"))
    orders.place_order(household, cycle.id, loos,
                       orders.Cart({}, {product("Pomme de terre").id: 3000}))
    browser.login(COORDINATOR)
    response = catalogue(app, issue(browser), cycle.id)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = json.loads(response.get_data(as_text=True))
    assert isinstance(document["@context"], dict), "the context must be inline"

    expanded = jsonld.expand(document, {"documentLoader": no_network})
    by_type = {}
    for node in expanded:
        for kind in node.get("@type", []):
            by_type.setdefault(kind.removeprefix(B), []).append(node)
    (enterprise,) = by_type["Enterprise"]
    assert values(enterprise, "name") == ["Ferme du Marais"]
    products = {values(p, "name")[0]: p for p in by_type["SuppliedProduct"]}
    offers = db.session.scalars(select(SupplyOffer).where(
        SupplyOffer.cycle_id == cycle.id, SupplyOffer.farm_id == marais_id())).all()
    assert set(products) == {o.product.name for o in offers} == {"Pomme de terre", "Œufs"}
    assert set(values(enterprise, "supplies")) == {p["@id"] for p in products.values()}

    potato = products["Pomme de terre"]
    (quantity,) = potato[B + "hasQuantity"]
    assert values(quantity, "hasUnit") == [DFC_MEASURES + "Kilogram"]
    assert values(quantity, "value") == ["1"]
    items = {values(i, "references")[0]: i for i in by_type["CatalogItem"]}
    left = db.session.scalar(select(ProductStock).where(
        ProductStock.cycle_id == cycle.id, ProductStock.product_id == product("Pomme de terre").id))
    assert Decimal(values(items[potato["@id"]], "stockLimitation")[0]) == \
        Decimal(left.declared - left.sold) / 1000 == Decimal(47)
    prices = {}
    for offer in by_type["Offer"]:
        (price,) = offer[B + "hasPrice"]
        assert values(price, "hasUnit") == [DFC_MEASURES + "Euro"]
        prices[values(offer, "offeredItem")[0]] = Decimal(values(price, "value")[0])
    for supply in offers:
        item = items[products[supply.product.name]["@id"]]
        assert values(item, "offeredThrough") == [next(
            o["@id"] for o in by_type["Offer"] if values(o, "offeredItem") == [item["@id"]])]
        assert prices[item["@id"]] == Decimal(supply.price_cents) / 100


def test_an_unknown_farm_or_week_is_a_404_for_a_partner(app, browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    token = issue(browser)
    assert catalogue(app, token, cycle.id + 100).status_code == 404
    assert catalogue(app, token, cycle.id, farm_id=9999).status_code == 404


def test_a_partner_finds_the_catalogues_of_the_latest_weeks(app, browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    token = issue(browser)
    assert app.test_client().get("/dfc/").status_code == 401
    listing = app.test_client().get("/dfc/", headers={"Authorization": f"Bearer {token}"})
    (entry,) = listing.get_json()["catalogues"]
    assert entry["farm"] == "Ferme du Marais" and entry["cycle_id"] == cycle.id
    assert entry["url"].endswith(f"/dfc/fermes/{marais_id()}/cycles/{cycle.id}")
    assert app.test_client().get(entry["url"], headers={
        "Authorization": f"Bearer {token}"}).status_code == 200
