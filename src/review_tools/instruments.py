"""Quality-appraisal instruments: the checklists shipped with the package and the custom ones a protocol
declares, as one model.

The built-in checklists (MMAT 2018, JBI qualitative, CASP qualitative, AACODS) are YAML files in
``review_tools/instruments/`` with their items worded as published, so a reader can check them.  An
instrument has a response scale, the answer that counts as positive, answers that mean 'not applicable'
(left out of a percentage), optional screening questions that must be answered positively before the
rest counts (MMAT, CASP), and one item list per study design (MMAT has five designs; the others one).
"""

from __future__ import annotations

from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML

from review_tools.errors import ReviewToolsError
from review_tools.protocol import BUILTIN_INSTRUMENTS, Protocol

SINGLE_DESIGN = "all"


class InstrumentError(ReviewToolsError):
    """An instrument that does not exist or whose definition is broken."""


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    free_text: bool = False


class Design(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    items: list[Item] = Field(min_length=1)


class Instrument(BaseModel):
    """One appraisal checklist.  ``designs`` maps a study design to its items; single-design instruments
    have the one design ``all``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    source: str = ""
    scale: list[str] = Field(min_length=2)
    positive: str
    not_applicable: list[str] = Field(default_factory=list)
    screening: list[Item] = Field(default_factory=list)
    designs: dict[str, Design] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_design(cls, data: object) -> object:
        if isinstance(data, dict) and "items" in data:
            data = dict(data)
            data["designs"] = {SINGLE_DESIGN: {"label": data.get("name", ""), "items": data.pop("items")}}
        return data

    @model_validator(mode="after")
    def _answers_on_scale(self) -> Instrument:
        off = [a for a in (self.positive, *self.not_applicable) if a not in self.scale]
        if off:
            raise ValueError(f"answer(s) {', '.join(map(repr, off))} are not on the scale {self.scale}")
        for name, design in self.designs.items():
            ids = [i.id for i in (*self.screening, *design.items)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"design {name!r} repeats an item id")
        return self

    @property
    def multi_design(self) -> bool:
        return len(self.designs) > 1

    def items(self, design: str = SINGLE_DESIGN) -> list[Item]:
        """Screening questions then the design's items, in checklist order."""
        return [*self.screening, *self.designs[design].items]

    def item_ids(self) -> list[str]:
        """Every item id of every design (the columns an appraisal file may have), in order, once each."""
        seen: dict[str, None] = {i.id: None for i in self.screening}
        for design in self.designs.values():
            seen.update({i.id: None for i in design.items})
        return list(seen)

    def normalise(self, answer: str) -> str | None:
        """The scale value an answer means (case, spacing and typographic apostrophes ignored), or None."""
        key = " ".join(answer.replace("\u2019", "'").split()).casefold()
        return next((s for s in self.scale if s.casefold() == key), None)


def builtin(instrument_id: str) -> Instrument:
    """Load a checklist shipped with the package."""
    if instrument_id not in BUILTIN_INSTRUMENTS:
        raise InstrumentError(f"no built-in instrument {instrument_id!r}; built in: {', '.join(BUILTIN_INSTRUMENTS)}")
    path = resources.files("review_tools") / "instruments" / f"{instrument_id}.yaml"
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        raise InstrumentError(f"{path}: {exc}") from None


def for_protocol(protocol: Protocol) -> Instrument:
    """The instrument the protocol names: a built-in checklist or one of its custom instruments."""
    chosen = protocol.appraisal.instrument
    for custom in protocol.appraisal.custom_instruments:
        if custom.id == chosen:
            return Instrument.model_validate({
                "id": custom.id, "name": custom.name, "scale": custom.scale,
                "positive": custom.positive or custom.scale[0], "not_applicable": custom.not_applicable,
                "items": [i.model_dump() for i in custom.items],
            })
    return builtin(chosen)
