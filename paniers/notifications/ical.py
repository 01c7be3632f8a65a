"""An iCalendar event (RFC 5545) for a pickup slot, times in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Paniers du Lensois//Paniers//FR"


@dataclass(frozen=True)
class Slot:
    uid: str
    start_dt: datetime  # timezone-aware
    end_dt: datetime
    summary: str
    location: str
    description: str = ""


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime in a calendar event")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued on lines starting with a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def pickup_event(slot: Slot, stamp_dt: datetime) -> str:
    """A VCALENDAR with one VEVENT for ``slot``; ``stamp_dt`` is when it was made."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "METHOD:PUBLISH",
        "CALSCALE:GREGORIAN", "BEGIN:VEVENT",
        f"UID:{slot.uid}", f"DTSTAMP:{_utc(stamp_dt)}",
        f"DTSTART:{_utc(slot.start_dt)}", f"DTEND:{_utc(slot.end_dt)}",
        f"SUMMARY:{_text(slot.summary)}", f"LOCATION:{_text(slot.location)}",
    ]
    if slot.description:
        lines.append(f"DESCRIPTION:{_text(slot.description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)
