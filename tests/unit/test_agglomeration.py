"""The agglomeration generator: the same week for the same seed, and the network it claims."""

from __future__ import annotations

import csv
from collections import Counter

from paniers.demo.agglomeration import TOWNS, generate, intent
from paniers.network.files import FLEET, NETWORK


def table(agglomeration, name):
    text = agglomeration.network[name].decode()
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_the_same_seed_gives_the_same_week_and_another_seed_another():
    first, again, other = generate(200, seed=3), generate(200, seed=3), generate(200, seed=4)
    assert first == again
    assert [intent(first, h) for h in first.households] == [
        intent(again, h) for h in again.households]
    assert first.network[NETWORK] != other.network[NETWORK]
    assert first.households != other.households


def test_the_network_has_the_agglomerations_shape():
    agglomeration = generate(300, seed=1)
    network = table(agglomeration, NETWORK)
    kinds = Counter(row["kind"] for row in network)
    assert kinds["hub"] == 2 and kinds["farm"] == 30 and kinds["canteen"] == 12
    assert kinds["relay"] + kinds["shop"] + kinds["canteen"] + kinds["city"] == 80
    points = [row for row in network if row["kind"] in ("relay", "shop", "canteen", "city")]
    assert {row["town"] for row in points} >= {name for name, *_ in TOWNS}  # all 36 towns
    assert {row["town"] for row in points if row["kind"] == "city"} == {"Lille", "Dunkerque"}
    assert len({row["id"] for row in network}) == len(network)
    for row in points:  # in the Nord - Pas-de-Calais, not at sea
        assert 50.3 < float(row["lat"]) < 51.1 and 2.3 < float(row["lon"]) < 3.1
    fleet = table(agglomeration, FLEET)
    assert len(fleet) == 8
    assert {row["kind"] for row in fleet} == {"van", "truck", "cargo_bike"}
    assert {row["start"] for row in fleet} == {"hub-loos", "hub-lievin"}


def test_the_households_mix_what_a_week_has():
    agglomeration = generate(2000, seed=5)
    households = agglomeration.households
    assert len({h.email for h in households}) == 2000
    subscribed = sum(h.subscription is not None for h in households)
    eligible = sum(h.eligible for h in households)
    intents = [i for h in households if (i := intent(agglomeration, h))]
    assert 0.25 < subscribed / 2000 < 0.35 and 0.07 < eligible / 2000 < 0.13
    assert {h.subscription[1] for h in households if h.subscription} == {"weekly", "fortnightly"}
    baskets = [i for i in intents if i.baskets]
    produce_only = [i for i in intents if not i.baskets]
    assert baskets and produce_only and all(i.products for i in produce_only)
    online = sum(i.online for i in intents) / len(intents)
    assert 0.3 < online < 0.5
    assert len({h.point for h in households}) > 50  # spread over the points
