"""Property-based fuzzing of every form: random input never gives a server error, and a refusal
writes nothing.

For each POST row of the access table (tests/test_access.py CASES), as the persona that may use it,
Hypothesis posts variations of the row's own data: each field kept, dropped, repeated, or replaced by
random text (any Unicode, control characters, markup), numbers that are huge, negative, fractional,
in other scripts or not numbers at all, impossible dates, ids of other blocs' objects, random files;
plus unknown fields. After each post:

* no exception, no status 500;
* unless the answer is the endpoint's success (a redirect without an error message; for the score
  cell, a cell marked saved), every table (history included) is exactly as before.

Each example runs in a savepoint that is rolled back, so every example starts from the same world.
Examples per URL: THIDUA_FUZZ_EXAMPLES (default 15); the run is derandomised so that CI is stable,
THIDUA_FUZZ_RANDOM=1 explores new inputs.
"""

import hashlib
import os
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.test_access import CASES

EXAMPLES = int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "15"))
RANDOM = os.environ.get("THIDUA_FUZZ_RANDOM") == "1"
PERSONA_ORDER = ("board", "secretary_a", "officer_a", "viewer", "anonymous")
SKIP_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
RUN = Counter()  # posts made, per URL name: reported at the end of the run (conftest.py)


def _post_rows():
    for index, (name, kwargs, method, data, expected) in enumerate(CASES):
        if method != "post":
            continue
        persona = next((p for p in PERSONA_ORDER if expected.get(p) in (200, 302)), None)
        if persona is not None:
            yield pytest.param(name, kwargs, data, persona, id=f"{name}-{index}")


# --- What the database holds -------------------------------------------------------------------


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (sessions and sign-in records aside)."""
    digest = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in SKIP_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest[table] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


# --- Random input --------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1.5",
    "1,5",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "9" * 40,
    "-" + "9" * 25,
    str(2**31),
    str(2**63),
    "0x1F",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "²",  # a digit to str.isdigit, not to int()
    "½",
    "2025-02-30",
    "0000-00-00",
    "9999-12-31",
    "31/12/2025",
    "25:61",
    "true",
    "null",
    "[]",
    "{}",
    '{"1": [1, "x"]}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\u202e\u200f",
    "x" * 5000,
]


def files():
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content),
        st.sampled_from(["a.pdf", "a.xlsx", "a.docx", "..\\..\\a.pdf", "<a>.pdf", "a" * 300 + ".pdf", ".pdf", "x"]),
        st.one_of(
            st.binary(max_size=64),
            st.just(b"%PDF-1.4\n%%EOF\n"),
            st.just(b"PK\x03\x04" + b"\x00" * 40),
        ),
    )


def value_strategy(original, ids: list[str]):
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
    numbers = st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    )
    choices = [st.sampled_from(NASTY), text, numbers, st.sampled_from(ids)]
    if isinstance(original, SimpleUploadedFile):
        return st.one_of(files(), st.sampled_from(NASTY))
    if original is not None:
        keep = original if isinstance(original, list) else str(original)
        choices.insert(0, st.just(keep))
    single = st.one_of(*choices)
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


@st.composite
def payloads(draw, base: dict, ids: list[str]):
    data = {}
    for key, original in base.items():
        action = draw(st.sampled_from(["keep", "keep", "drop", "fuzz", "fuzz", "fuzz"]))
        if action == "keep":
            if isinstance(original, SimpleUploadedFile):
                original.seek(0)
                data[key] = SimpleUploadedFile(original.name, original.read())
            else:
                data[key] = original
        elif action == "fuzz":
            data[key] = draw(value_strategy(original, ids))
    extra = draw(st.dictionaries(st.sampled_from(["version", "file", "id", "pk", "year", "state", "next"]),
                                 st.sampled_from(NASTY + ids), max_size=2))  # fmt: skip
    for key, value in extra.items():
        data.setdefault(key, value)
    return data


def object_ids(world: dict) -> list[str]:
    ids = {"0", "-1", str(2**31), str(2**63)}
    for value in world.values():
        if isinstance(value, models.Model):
            ids.add(str(value.pk))
    return sorted(ids)


# --- The oracle ----------------------------------------------------------------------------------


def succeeded(name: str, response) -> bool:
    if name == "blocs:score_cell":
        return response.status_code == 200 and b'data-state="saved"' in response.content
    if response.status_code != 302:
        return False
    errors = [m for m in response.wsgi_request._messages if m.level >= message_levels.ERROR]
    return not errors


@pytest.mark.parametrize(("name", "kwargs", "data", "persona"), list(_post_rows()))
def test_random_input_never_fails_and_a_refusal_writes_nothing(
    name, kwargs, data, persona, access_world, personas, client_for
):
    url = reverse(name, kwargs=kwargs(access_world) if kwargs else None)
    base = data(access_world)
    ids = object_ids(access_world)
    client = client_for(personas[persona])
    signed_in = dict(client.cookies.items())  # each example starts with this session (a logout ends it)

    @given(payloads(base, ids))
    @hsettings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    def post_random(payload):
        savepoint = transaction.savepoint_create()
        try:
            client.cookies.clear()
            for key, morsel in signed_in.items():
                client.cookies[key] = morsel.value
            before = fingerprint()
            response = client.post(url, payload)
            RUN[name] += 1
            assert response.status_code < 500, f"{response.status_code} for {payload!r}"
            if not succeeded(name, response):
                assert changed_tables(before, fingerprint()) == [], (
                    f"{name} answered {response.status_code} but wrote: {payload!r}"
                )
        finally:
            transaction.savepoint_rollback(savepoint)

    post_random()


def test_every_post_row_is_fuzzed():
    rows = list(_post_rows())
    posts = [case for case in CASES if case[2] == "post"]
    assert len(rows) == len(posts)
