"""Fields of the network's forms: a position in France, hectares held as ares, a clock
time held as minutes, months of the year held as ``"9-12;1-3"``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from paniers import windows
from paniers.money import parse_decimal
from paniers.network.reading import FRANCE_LAT, FRANCE_LON  # the importer's bounds
from producers.models import parse_months

MAX_HECTARES = 100_000
MAX_WINDOWS_CHARS = 200  # the column's size

CLOCK = re.compile(r"([01]?\d|2[0-3])[:hH]([0-5]\d)")

MONTH_NAMES = (_l("janvier"), _l("février"), _l("mars"), _l("avril"), _l("mai"), _l("juin"),
               _l("juillet"), _l("août"), _l("septembre"), _l("octobre"), _l("novembre"),
               _l("décembre"))


def _locale() -> str:
    return str(get_locale() or "fr")


def inside_france(lat: float, lon: float) -> bool:
    return FRANCE_LAT[0] <= lat <= FRANCE_LAT[1] and FRANCE_LON[0] <= lon <= FRANCE_LON[1]


class DecimalTextField(Field):
    """A number typed the French or the English way (``50,4512`` or ``50.4512``);
    ``data`` is a Decimal, or None when left blank."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, *, places: int = 6,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.places = places

    def process_data(self, value: Any) -> None:
        self.data = None if value is None else Decimal(str(value))

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        text = str(valuelist[0]).strip()
        if not text:
            return
        try:
            number = parse_decimal(text)
        except ValueError:
            raise ValueError(_("Nombre illisible : tapez par exemple 50,4512.")) from None
        if -number.as_tuple().exponent > self.places:  # type: ignore[operator]
            raise ValueError(_("Au plus %(n)d décimales.", n=self.places))
        self.data = number

    @property
    def stored(self) -> float | None:
        return None if self.data is None else float(self.data)

    def _value(self) -> str:
        if self.data is not None:
            pattern = "0." + "#" * self.places
            return format_decimal(self.data, format=pattern, locale=_locale())
        return str(self.raw_data[0]) if self.raw_data else ""


class HectaresField(DecimalTextField):
    """Hectares with at most two decimals; ``ares`` is the integer stored (1 ha = 100 a)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, places=2, **kwargs)

    def process_data(self, value: Any) -> None:  # the model's ares
        self.data = None if value is None else Decimal(int(value)) / 100

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not 0 <= self.data <= MAX_HECTARES:
            raise ValidationError(_("Entre 0 et %(max)s hectares.",
                                    max=format_decimal(MAX_HECTARES, locale=_locale())))

    @property
    def stored(self) -> int | None:  # type: ignore[override]
        """The ares the model holds."""
        return None if self.data is None else int(self.data * 100)


class ClockField(Field):
    """A time of day, ``16:30`` (or ``16h30``); ``data`` is minutes after midnight."""

    widget = TextInput()

    def process_data(self, value: Any) -> None:
        self.data = None if value is None else int(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        text = str(valuelist[0]).strip()
        if not text:
            return
        match = CLOCK.fullmatch(text)
        if match is None:
            raise ValueError(_("Heure au format HH:MM, par exemple 16:30."))
        self.data = int(match.group(1)) * 60 + int(match.group(2))

    def _value(self) -> str:
        if self.data is not None:
            return f"{self.data // 60:02d}:{self.data % 60:02d}"
        return str(self.raw_data[0]) if self.raw_data else ""


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (usable with a thumb)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MonthsField(CheckboxesField):
    """The twelve months as checkboxes; the model holds them as ``"9-12;1-3"``."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        choices = [(str(i + 1), name) for i, name in enumerate(MONTH_NAMES)]
        super().__init__(label, validators, choices=choices, **kwargs)

    def process_data(self, value: Any) -> None:
        if isinstance(value, str):
            value = [str(m) for m in sorted(parse_months(value))] if value else []
        super().process_data(value)

    @property
    def stored(self) -> str:
        return months_spec({int(m) for m in self.data or () if str(m).isdigit()})


class WeekdaysField(CheckboxesField):
    """Weekdays as checkboxes; the model holds ISO weekdays as ``"1,2,4,5"``."""

    def process_data(self, value: Any) -> None:
        if isinstance(value, str):
            value = [d for d in value.split(",") if d]
        super().process_data(value)

    @property
    def stored(self) -> str:
        return ",".join(sorted({str(d) for d in self.data or ()}))


def months_spec(months: set[int]) -> str:
    """{9, 10, 11, 12, 1, 2, 3} -> ``"9-12;1-3"``, as produce.csv writes them: runs of
    months within the year, a season crossing the new year starting with its autumn run."""
    runs: list[tuple[int, int]] = []
    for month in sorted(m for m in months if 1 <= m <= 12):
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][1] == 12:
        runs.append(runs.pop(0))
    return ";".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)


# Day names a person may type, French or as the network's files write them.
_DAY_WORDS = {word: code
              for code, french in zip(windows.DAY_CODES, windows.FRENCH_DAYS, strict=True)
              for word in (code.lower(), french, french[:3], french[:3] + ".")}
_WINDOW_PROBLEMS = {
    "format": _l("Écrivez un jour et une plage par ligne ou séparés par « ; », par exemple "
                 "« samedi 09:00-12:00 »."),
    "day": _l("Jour inconnu : écrivez lundi, mardi… dimanche."),
    "time": _l("Heure illisible : écrivez-la au format HH:MM, par exemple 09:00."),
    "order": _l("Une plage doit finir après son début."),
    "repeated": _l("Un même jour est écrit deux fois."),
}


class WindowsField(Field):
    """Other weekdays' windows, typed ``samedi 09:00-12:00; dimanche 10:00-12:00`` (one per
    line works too); ``data`` is the files' form, ``"Sat 09:00-12:00; Sun 10:00-12:00"``."""

    widget = TextInput()

    def process_data(self, value: Any) -> None:
        self.data = value or ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = ""
        parts = [p.strip() for p in re.split(r"[;\n]", str(valuelist[0])) if p.strip()]
        typed = []
        for part in parts:
            day, _sep, hours = part.partition(" ")
            code = _DAY_WORDS.get(day.lower().strip(","), day)
            typed.append(f"{code} {hours.strip().replace('h', ':').replace('–', '-')}")
        try:
            self.data = windows.spec(windows.parse("; ".join(typed)))
        except windows.WindowError as problem:
            problems = _WINDOW_PROBLEMS
            raise ValueError(str(problems.get(problem.code, problems["format"]))) from None
        if len(self.data) > MAX_WINDOWS_CHARS:
            self.data = ""
            raise ValueError(_("Trop long : une plage par jour suffit."))

    @property
    def weekdays(self) -> set[int]:
        return {w.weekday for w in windows.parse(self.data or "")}

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        try:
            return windows.label(windows.parse(self.data or "")).replace("–", "-")
        except windows.WindowError:
            return str(self.data or "")
