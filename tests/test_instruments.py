"""The shipped appraisal checklists and custom instruments from the protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools import instruments
from review_tools.protocol import BUILTIN_INSTRUMENTS, ProtocolError, load_protocol

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("name", "designs", "screening", "items"), [
    ("mmat_2018", 5, 2, 5), ("jbi_qualitative", 1, 0, 10), ("casp_qualitative", 1, 2, 8), ("aacods", 1, 0, 6)])
def test_builtin_checklists_have_their_published_items(name, designs, screening, items) -> None:
    inst = instruments.builtin(name)
    assert len(inst.designs) == designs
    assert len(inst.screening) == screening
    assert all(len(d.items) == items for d in inst.designs.values())
    assert inst.positive in inst.scale


def test_every_builtin_named_in_the_protocol_schema_loads() -> None:
    assert {instruments.builtin(n).id for n in BUILTIN_INSTRUMENTS} == set(BUILTIN_INSTRUMENTS)


def test_wording_and_scales() -> None:
    mmat = instruments.builtin("mmat_2018")
    assert mmat.scale == ["yes", "no", "can't tell"]
    assert mmat.designs["randomized"].items[0].text == "Is randomization appropriately performed?"
    assert mmat.items("qualitative")[0].id == "S1"
    jbi = instruments.builtin("jbi_qualitative")
    assert jbi.not_applicable == ["not applicable"]
    casp = instruments.builtin("casp_qualitative")
    assert [i.id for i in casp.items() if i.free_text] == ["Q10"]
    assert [i.id for i in instruments.builtin("aacods").items()] == [
        "authority", "accuracy", "coverage", "objectivity", "date", "significance"]


def test_answers_are_normalised_to_the_scale() -> None:
    mmat = instruments.builtin("mmat_2018")
    assert mmat.normalise("  Can\u2019t   Tell ") == "can't tell"
    assert mmat.normalise("YES") == "yes"
    assert mmat.normalise("maybe") is None


def test_unknown_builtin_is_a_clear_error() -> None:
    with pytest.raises(instruments.InstrumentError, match="no built-in instrument 'rob2'"):
        instruments.builtin("rob2")


def test_custom_instrument_from_the_protocol(tmp_path) -> None:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    custom = """appraisal:
  instrument: crm_quality
  scoring: count_yes
  threshold: 2
  custom_instruments:
    - id: crm_quality
      name: CRM study quality
      scale: [met, partly, not met, n/a]
      positive: met
      not_applicable: [n/a]
      items:
        - {id: A1, text: Is the segmentation basis stated?}
        - {id: A2, text: Is the data source described?}
        - {id: A3, text: Are the segments validated?}
"""
    start = text.index("appraisal:")
    end = text.index("extraction:")
    path = tmp_path / "protocol.yaml"
    path.write_text(text[:start] + custom + "\n" + text[end:], encoding="utf-8")
    inst = instruments.for_protocol(load_protocol(path))
    assert (inst.id, inst.positive, inst.not_applicable) == ("crm_quality", "met", ["n/a"])
    assert [i.id for i in inst.items()] == ["A1", "A2", "A3"]
    path.write_text(text[:start] + custom.replace("positive: met", "positive: good").replace("id: A3", "id: A2")
                    + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(ProtocolError) as err:
        load_protocol(path)
    message = str(err.value)
    assert "appraisal.custom_instruments[0].positive: 'good' is not on the scale" in message
    assert "appraisal.custom_instruments[0].items[2].id: item id 'A2' is already used" in message
