"""``paniers network import PATH [--dry-run]`` and ``paniers network export PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from paniers.network import export, files, services


@click.group("network")
def network_group() -> None:
    """Import or export the whole network (network.csv, produce.csv, fleet.csv)."""


def _texts(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return files.zip_texts(path.read_bytes())
    return files.folder_texts(path)


def summary_lines(result: services.ImportResult) -> list[str]:
    lines = []
    for kind, counter in result.counts.items():
        lines.append(_("%(kind)s : %(created)d à ajouter, %(updated)d à modifier, "
                       "%(unchanged)d sans changement", kind=services.KIND_LABELS[kind],
                       created=counter["created"], updated=counter["updated"],
                       unchanged=counter["unchanged"]))
    for invitation in result.to_invite:
        lines.append(_("à inviter : %(email)s (%(code)s)", email=invitation.email,
                       code=invitation.code))
    return lines


@network_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import the folder (or zip) PATH: every row checked first, then all or nothing."""
    try:
        texts = _texts(path)
    except (files.FileProblem, OSError, ValueError) as error:
        raise click.ClickException(_("%(path)s : illisible (%(error)s)", path=path,
                                     error=error)) from error
    result = services.import_network(texts, dry_run=dry_run, source=path.name)
    if not result.ok:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(ngettext(
            "%(num)d problème : rien n'a été importé",
            "%(num)d problèmes : rien n'a été importé", len(result.problems)))
    for line in summary_lines(result):
        click.echo(line)
    click.echo(_("Essai : rien n'a été écrit.") if dry_run else services.summary(result))


@network_group.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Write network.csv, produce.csv and fleet.csv into the folder PATH."""
    for written in export.export_folder(path):
        click.echo(str(written))
