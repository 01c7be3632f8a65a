"""The network's three files: reading them from a folder, an upload or a zip, and writing them.

The columns are exactly those of the project's reference data (``network.csv``,
``produce.csv``, ``fleet.csv``); ``network.csv`` may carry three more: ``address``,
``phone`` and ``email`` (the farmer or host to invite). Lines starting with ``#`` (a
source note) are skipped. Nothing here knows the database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

NETWORK, PRODUCE, FLEET = "network.csv", "produce.csv", "fleet.csv"
FILE_NAMES = (NETWORK, PRODUCE, FLEET)
COLUMNS: dict[str, tuple[str, ...]] = {
    NETWORK: ("id", "kind", "name", "town", "lat", "lon", "capacity_baskets",
              "delivery_window", "pickup_window", "notes"),
    PRODUCE: ("product", "category", "unit", "unit_kg", "months", "price_eur_per_unit",
              "price_basis", "nursery_portion_g"),
    FLEET: ("id", "kind", "name", "start", "end", "capacity_kg", "capacity_crates", "shift",
            "max_km", "cost_per_km_eur", "notes"),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    NETWORK: ("address", "phone", "email"), PRODUCE: (), FLEET: (),
}
MAX_FILE_BYTES = 2 * 1024 * 1024


class FileProblem(ValueError):
    """A file that cannot be read as a table at all (``code``: missing, encoding, header...)."""

    def __init__(self, file: str, code: str, detail: str = "") -> None:
        super().__init__(f"{file}: {code} {detail}".strip())
        self.file, self.code, self.detail = file, code, detail


@dataclass(frozen=True)
class Row:
    file: str
    line: int  # as a text editor numbers it (the header is line 1, or more after notes)
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    file: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    # Lines whose cells do not match the header (a comma in "4,44"): line, cells found.
    ragged: tuple[tuple[int, int], ...] = ()


def folder_texts(folder: Path) -> dict[str, bytes]:
    """The three files of a folder, as bytes (a missing one is simply absent)."""
    return {name: (folder / name).read_bytes() for name in FILE_NAMES
            if (folder / name).is_file()}


def zip_texts(data: bytes) -> dict[str, bytes]:
    """The three files found in a zip, wherever they sit in it (``export/network.csv``)."""
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if name in FILE_NAMES and not info.is_dir():
                if info.file_size > MAX_FILE_BYTES:
                    raise FileProblem(name, "too_big")
                found[name] = archive.read(info)
    return found


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if not line.startswith("#"):
            yield number, line


def read_table(file: str, data: bytes) -> Table:
    """Parse one file; raises FileProblem when it is not UTF-8 CSV with the right header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(file, "encoding") from error
    numbered = list(_lines(text))
    if not numbered:
        raise FileProblem(file, "empty")
    reader = csv.reader(line for _number, line in numbered)
    header = tuple(cell.strip() for cell in next(reader))
    missing = [column for column in COLUMNS[file] if column not in header]
    if missing:
        raise FileProblem(file, "missing_columns", ", ".join(missing))
    unknown = [c for c in header if c not in COLUMNS[file] + OPTIONAL_COLUMNS[file]]
    if unknown or len(set(header)) != len(header):
        raise FileProblem(file, "unknown_columns", ", ".join(unknown or header))
    rows, ragged = [], []
    for cells in reader:
        line = numbered[reader.line_num - 1][0]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            ragged.append((line, len(cells)))
            continue
        rows.append(Row(file, line, {c: v.strip() for c, v in zip(header, cells, strict=True)}))
    return Table(file, header, tuple(rows), tuple(ragged))


def write_table(columns: tuple[str, ...], rows: Sequence[Mapping[str, str]]) -> str:
    """The CSV text, with the reference files' conventions (``\\n`` lines, minimal quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def write_folder(folder: Path, texts: Mapping[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")


def zip_bytes(texts: Mapping[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()
