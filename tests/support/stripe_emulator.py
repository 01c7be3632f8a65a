"""A local Stripe for the tests: localstripe's stateful API, extended with what Paniers
uses and localstripe lacks.

Run as ``python -m tests.support.stripe_emulator --port N`` (bound to 127.0.0.1, state in
memory only). On top of localstripe it adds:

- Checkout Sessions: ``POST /v1/checkout/sessions``, ``GET .../{id}``, ``POST .../{id}/expire``;
- a hosted payment page ``/pay/{session}``: a card number (``4242424242424242`` pays,
  ``4000000000000002`` or ``4000000000000341`` is declined) or an IBAN (a delayed debit:
  ``DE62370400440532013001`` fails, any other succeeds a moment later);
- the events ``checkout.session.completed / expired / async_payment_succeeded /
  async_payment_failed`` and ``charge.refunded``, next to localstripe's own
  (``payment_intent.payment_failed``...), all POSTed to the configured webhook with a
  real ``Stripe-Signature`` computed with the webhook secret;
- idempotency keys honoured on every POST (the same key answers the same response);
- test controls under ``/_config/``: the webhook target, holding events and releasing
  them in a chosen order, resending one, expiring a session as time would.

``Emulator`` (below) starts it as a subprocess and drives it from the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import html
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAYING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
FAILING_IBAN = "DE62370400440532013001"
PAYING_IBAN = "FR1420041010050500013M02606"


# --- the server (runs in its own process) -------------------------------------------------

def build_app(port: int) -> Any:  # noqa: C901  (one closure per route, kept together)
    from aiohttp import ClientSession, web
    from localstripe import resources, server
    from localstripe.errors import UserError
    from localstripe.resources import (
        Charge,
        Event,
        PaymentIntent,
        PaymentMethod,
        StripeObject,
        store,
    )

    # State in memory only: never localstripe's pickle in /tmp.
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]
    base = f"http://127.0.0.1:{port}"
    state: dict[str, Any] = {"webhook": None, "hold": False, "held": [], "sent": [],
                             "idempotency": {}}

    class CheckoutSession(StripeObject):
        object = "checkout.session"
        _id_prefix = "cs_test_"

        def __init__(self, mode: str = "payment", line_items: Any = None,
                     success_url: str = "", cancel_url: str = "", metadata: Any = None,
                     payment_intent_data: Any = None, client_reference_id: Any = None,
                     customer_email: Any = None, expires_at: Any = None,
                     **kwargs: Any) -> None:
            if kwargs or mode != "payment" or not line_items or not success_url:
                raise UserError(400, "Bad request")
            items = []
            for item in line_items:
                price = item.get("price_data") or {}
                quantity = int(item.get("quantity", 1))
                unit = int(price.get("unit_amount", -1))
                if quantity <= 0 or unit < 0:
                    raise UserError(400, "Bad request")
                items.append({"quantity": quantity, "unit_amount": unit,
                              "currency": price.get("currency", "eur"),
                              "name": (price.get("product_data") or {}).get("name", "")})
            super().__init__()
            self.mode = mode
            self.status = "open"
            self.payment_status = "unpaid"
            self.url = f"{base}/pay/{self.id}"
            self.success_url = success_url
            self.cancel_url = cancel_url
            self.metadata = metadata or {}
            self.client_reference_id = client_reference_id
            self.customer_email = customer_email
            self.currency = items[0]["currency"]
            self.amount_total = sum(i["quantity"] * i["unit_amount"] for i in items)
            self.amount_subtotal = self.amount_total
            self.expires_at = int(expires_at) if expires_at else int(time.time()) + 86400
            self.payment_intent = None
            self._items = items
            self._intent_metadata = (payment_intent_data or {}).get("metadata") or {}

    def signed(event: Any) -> tuple[bytes, dict[str, str]]:
        payload = json.dumps(event._export(), indent=2, sort_keys=True).encode()
        secret = state["webhook"]["secret"]
        stamp = int(time.time())
        signature = hmac.new(secret.encode(), b"%d.%s" % (stamp, payload),
                             hashlib.sha256).hexdigest()
        return payload, {"Content-Type": "application/json; charset=utf-8",
                         "Stripe-Signature": f"t={stamp},v1={signature}"}

    async def deliver(event: Any) -> int:
        if not state["webhook"]:
            return 0
        payload, headers = signed(event)
        try:
            async with ClientSession() as client, client.post(
                    state["webhook"]["url"], data=payload, headers=headers) as reply:
                return reply.status
        except Exception:  # the app is down: Stripe would retry later, the test decides
            return 0

    def schedule(event: Any) -> None:
        state["sent"].append(event)
        if state["hold"]:
            state["held"].append(event)
        else:
            asyncio.ensure_future(deliver(event))

    resources.schedule_webhook = schedule  # every localstripe event goes through here

    def emit(kind: str, obj: Any) -> None:
        schedule(Event(kind, obj))

    def session_of(request: Any) -> CheckoutSession:
        found = store.get("checkout.session:" + request.match_info["id"])
        if found is None:
            raise UserError(404, "Not Found")
        return found

    def expire(session: CheckoutSession) -> None:
        if session.status == "open":
            session.status = "expired"
            emit("checkout.session.expired", session)

    async def create_session(request: Any) -> Any:
        data = await server.get_post_data(request) or {}
        return server.json_response(CheckoutSession(**data)._export())

    async def retrieve_session(request: Any) -> Any:
        return server.json_response(session_of(request)._export())

    async def expire_session(request: Any) -> Any:
        session = session_of(request)
        if session.status != "open":
            raise UserError(400, "Only open sessions can be expired.")
        expire(session)
        return server.json_response(session._export())

    def page(title: str, body: str, status: int = 200) -> Any:
        return web.Response(status=status, content_type="text/html", text=(
            f"<!doctype html><html lang='fr'><title>{html.escape(title)}</title>"
            f"<h1>{html.escape(title)}</h1>{body}</html>"))

    async def hosted_page(request: Any) -> Any:
        session = session_of(request)
        if session.status != "open":
            return page("Session terminée", f"<p>{session.status}</p>", 410)
        lines = "".join(f"<li>{i['quantity']} × {html.escape(i['name'])}</li>"
                        for i in session._items)
        return page("Paiement", (
            f"<ul>{lines}</ul><p id='total'>{session.amount_total}</p>"
            "<form method='post'><label>Carte <input name='card'></label>"
            "<label>IBAN <input name='iban'></label><button>Payer</button></form>"))

    async def hosted_pay(request: Any) -> Any:
        session = session_of(request)
        form = await request.post()
        if session.status != "open":
            return page("Session terminée", f"<p>{session.status}</p>", 410)
        iban = (form.get("iban") or "").strip()
        if iban:
            method = PaymentMethod(type="sepa_debit", sepa_debit={"iban": iban})
        else:
            number = (form.get("card") or "").replace(" ", "")
            method = PaymentMethod(type="card", card={
                "number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"})
            if method._attaching_is_declined():  # localstripe declines these only on attach
                method._card_number = "4000000000000341"
        intent = PaymentIntent(amount=session.amount_total, currency=session.currency,
                               payment_method=method.id,
                               metadata=dict(session._intent_metadata))
        session.payment_intent = intent.id
        try:
            intent._confirm(on_failure_now=intent._report_failure)
        except UserError:
            return page("Paiement refusé", "<p class='declined'>Votre carte a été refusée.</p>",
                        402)
        session.status = "complete"
        if intent.status == "succeeded" and method.type == "card":
            session.payment_status = "paid"
            emit("checkout.session.completed", session)
        else:  # a delayed debit: complete now, paid (or not) a moment later
            emit("checkout.session.completed", session)
            asyncio.ensure_future(settle_later(session, intent))
        target = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
        raise web.HTTPSeeOther(target)

    async def settle_later(session: CheckoutSession, intent: Any) -> None:
        await asyncio.sleep(0.7)  # localstripe settles a debit after 0.5 s
        for _ in range(100):
            if intent.status != "processing":
                break
            await asyncio.sleep(0.1)
        if intent.status == "succeeded":
            session.payment_status = "paid"
            emit("checkout.session.async_payment_succeeded", session)
        else:
            emit("checkout.session.async_payment_failed", session)

    async def configure_webhook(request: Any) -> Any:
        data = await request.json()
        state["webhook"] = {"url": data["url"], "secret": data["secret"]}
        return web.json_response({"ok": True})

    async def hold(request: Any) -> Any:
        state["hold"] = bool((await request.json()).get("hold"))
        return web.json_response({"hold": state["hold"]})

    async def release(request: Any) -> Any:
        order = (await request.json()).get("order", "fifo")
        held, state["held"] = state["held"], []
        state["hold"] = False
        if order == "reverse":
            held.reverse()
        statuses = [(event.type, await deliver(event)) for event in held]
        return web.json_response({"delivered": statuses})

    async def resend(request: Any) -> Any:
        found = [e for e in state["sent"] if e.id == request.match_info["id"]]
        if not found:
            raise UserError(404, "Not Found")
        return web.json_response({"status": await deliver(found[0])})

    async def list_events(request: Any) -> Any:
        return web.json_response([{"id": e.id, "type": e.type,
                                   "object": e.data["object"].get("id")} for e in state["sent"]])

    async def expire_by_time(request: Any) -> Any:
        session = session_of(request)
        expire(session)
        return web.json_response(session._export())

    async def idempotency_log(request: Any) -> Any:
        return web.json_response({k: v["hits"] for k, v in state["idempotency"].items()})

    @web.middleware
    async def outer(request: Any, handler: Any) -> Any:
        if request.path.startswith("/pay/"):  # the household's page: no API key
            try:
                return await request.match_info.handler(request)
            except UserError as error:
                return error.to_response()
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key and request.path.startswith("/v1/"):
            if key in state["idempotency"]:
                cached = state["idempotency"][key]
                cached["hits"] += 1
                return web.Response(status=cached["status"], body=cached["body"],
                                    content_type="application/json")
        response = await handler(request)
        if request.method == "POST" and key and request.path.startswith("/v1/"):
            state["idempotency"][key] = {"status": response.status, "body": response.body,
                                         "hits": 1}
        if (request.method == "POST" and request.path == "/v1/refunds"
                and response.status == 200):
            refund = json.loads(response.body)
            emit("charge.refunded", Charge._api_retrieve(refund["charge"]))
        return response

    app = server.app
    app.middlewares.insert(0, outer)
    router = app.router
    router.add_post("/v1/checkout/sessions", create_session)
    router.add_get("/v1/checkout/sessions/{id}", retrieve_session)
    router.add_post("/v1/checkout/sessions/{id}/expire", expire_session)
    router.add_get("/pay/{id}", hosted_page)
    router.add_post("/pay/{id}", hosted_pay)
    router.add_post("/_config/paniers/webhook", configure_webhook)
    router.add_post("/_config/paniers/hold", hold)
    router.add_post("/_config/paniers/release", release)
    router.add_post("/_config/paniers/resend/{id}", resend)
    router.add_get("/_config/paniers/events", list_events)
    router.add_post("/_config/paniers/sessions/{id}/expire", expire_by_time)
    router.add_get("/_config/paniers/idempotency", idempotency_log)
    return app


def serve(port: int) -> None:
    from aiohttp import web

    web.run_app(build_app(port), host="127.0.0.1", port=port, print=None,
                access_log=None)


# --- the test side ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Emulator:
    """The emulator in a subprocess, and what the tests do with it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 20) -> Emulator:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.stripe_emulator", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")  # type: ignore[union-attr]
                raise RuntimeError(f"the Stripe emulator did not start:\n{error}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the Stripe emulator did not answer in time")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read() or b"null")

    def send_webhooks_to(self, url: str, secret: str) -> None:
        self._call("POST", "/_config/paniers/webhook", {"url": url, "secret": secret})

    def hold_events(self) -> None:
        self._call("POST", "/_config/paniers/hold", {"hold": True})

    def release_events(self, order: str = "fifo") -> list[tuple[str, int]]:
        return [tuple(x) for x in self._call("POST", "/_config/paniers/release",
                                             {"order": order})["delivered"]]

    def resend(self, event_id: str) -> int:
        return int(self._call("POST", f"/_config/paniers/resend/{event_id}")["status"])

    def events(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/_config/paniers/events"))

    def expire_by_time(self, session_id: str) -> None:
        self._call("POST", f"/_config/paniers/sessions/{session_id}/expire")

    def idempotency_hits(self) -> dict[str, int]:
        return dict(self._call("GET", "/_config/paniers/idempotency"))

    def pay(self, checkout_url: str, *, card: str = PAYING_CARD, iban: str = "") -> tuple[int, str]:
        """A person on the hosted page: types a card (or an IBAN) and pays. Returns the
        status and, on success, the address Stripe sends them back to."""
        assert checkout_url.startswith(self.base), checkout_url
        try:
            with urllib.request.urlopen(checkout_url, timeout=10) as reply:
                assert b"Payer" in reply.read()
        except urllib.error.HTTPError as error:  # the session is over
            return error.code, ""
        form = urllib.parse.urlencode({"card": card, "iban": iban}).encode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(urllib.request.Request(checkout_url, data=form), timeout=10) as r:
                return r.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port)
