"""What the driver reads: arrival, waiting and departure at each stop, in French."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from paniers.cycles import services as cycles
from paniers.cycles.states import PARIS
from paniers.delivery.models import Route, RouteStop, Vehicle
from paniers.extensions import db
from tests.integration.test_evening import two_orders_at_loos


def test_the_route_sheet_shows_the_wait_at_a_stop_and_the_departure(browser):
    cycle, order, _ = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    arrives = datetime.combine(cycle.delivery_date, time(12, 0), PARIS)
    starts = arrives + timedelta(hours=1, minutes=30)  # the point opens at 13:30
    vehicle = db.session.scalars(select(Vehicle)).first()
    route = Route(cycle_id=cycle.id, vehicle_id=vehicle.id, departs_dt=arrives - timedelta(hours=1),
                  returns_dt=starts + timedelta(hours=1), distance_m=24_000, cost_cents=840)
    route.stops.append(RouteStop(sequence=1, point_id=order.point_id, arrives_dt=arrives,
                                 starts_dt=starts, departs_dt=starts + timedelta(minutes=10),
                                 weight_g=12_000, crates=3, load_after_kg=0))
    db.session.add(route)
    db.session.commit()

    browser.login("coordination@paniers.demo")
    sheet = browser.get(f"/coordination/cycles/{cycle.id}/tournees/{route.id}/feuille").text
    assert "<th>Attente</th>" in sheet and "<strong>1 h 30</strong>" in sheet
    assert "<td>12:00</td>" in sheet and "<td>13:40</td>" in sheet  # arrival, departure
    rounds = browser.get(f"/coordination/cycles/{cycle.id}/tournees").text
    assert "attente 1 h 30" in rounds
