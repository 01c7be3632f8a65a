"""The coordinators' import form: the three files, or one zip holding them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import DataRequired

from paniers.network.files import FILE_NAMES


class ImportForm(FlaskForm):
    network = FileField("network.csv")
    produce = FileField("produce.csv")
    fleet = FileField("fleet.csv")
    archive = FileField(_l("Ou une archive zip des trois fichiers"))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.archive.data:
            return True
        missing = [f for f in (self.network, self.produce, self.fleet) if not f.data]
        for field in missing:
            field.errors = [_l("Choisir ce fichier (ou une archive zip des trois).")]
        return not missing

    def texts(self) -> dict[str, bytes]:
        """The uploaded files by name (the zip's are read by the service)."""
        fields = (self.network, self.produce, self.fleet)
        return {name: field.data.read() for name, field in zip(FILE_NAMES, fields, strict=True)
                if field.data}


class ConfirmForm(FlaskForm):
    # The checked files travel back (a zip, base64) and are checked again before writing.
    payload = HiddenField(validators=[DataRequired()])
