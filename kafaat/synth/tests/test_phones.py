import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafaat.synth.phones import E164_MOBILE_RE, PHONE_FORMATS, draw_phones, normalise_phone, normalise_phones

WRITTEN_FORMS = [
    "0612345678",
    "06 12 34 56 78",
    "+212612345678",
    "+212 6 12 34 56 78",
    "00212612345678",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "+212 (0)6 12 34 56 78",
    "212612345678",
    "  0612345678 ",
]
INVALID = [
    "",
    "0512345678",
    "+33612345678",
    "061234567",
    "06123456789",
    "06abc45678",
    "+0612345678",
    "0012612345678",
]


@pytest.mark.parametrize("raw", WRITTEN_FORMS)
def test_written_forms_normalise_to_e164(raw):
    assert normalise_phone(raw) == "+212612345678"


@pytest.mark.parametrize("raw", INVALID)
def test_non_moroccan_mobiles_are_rejected(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)


@given(
    nsn=st.from_regex(r"\A[67][0-9]{8}\Z"),
    template=st.sampled_from(["0{n}", "+212{n}", "00212{n}", "+212 (0){n}", "212{n}"]),
    separator=st.sampled_from(["", " ", ".", "-"]),
)
def test_any_separator_and_prefix_normalises(nsn, template, separator):
    spaced = separator.join([nsn[0], *(nsn[i : i + 2] for i in range(1, 9, 2))])
    raw = template.format(n=spaced)
    assert normalise_phone(raw) == "+212" + nsn
    assert normalise_phones(pa.array([raw])).to_pylist() == ["+212" + nsn]


def test_vectorised_normalisation_agrees_with_scalar():
    values = [*WRITTEN_FORMS, *INVALID, None]
    expected = []
    for value in values:
        try:
            expected.append(normalise_phone(value))
        except (TypeError, AttributeError, ValueError):
            expected.append(None)
    assert normalise_phones(pa.array(values, pa.string())).to_pylist() == expected


def test_drawn_phones_use_every_format_and_are_valid():
    phones = draw_phones(np.random.default_rng(3), 20_000)
    values = phones.to_pylist()
    shapes = {"".join("9" if c.isdigit() else c for c in v) for v in values}
    assert len(shapes) == len(PHONE_FORMATS)
    normalised = normalise_phones(phones).to_pylist()
    assert all(E164_MOBILE_RE.fullmatch(p) for p in normalised)
    assert normalised[:200] == [normalise_phone(v) for v in values[:200]]
    leads = {p[4] for p in normalised}
    assert leads == {"6", "7"}
