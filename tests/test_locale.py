"""The translation catalogues: complete, compiled, in step with each other, and used by the pages.

The UI's source language is Vietnamese: every msgid is Vietnamese, locale/en holds the English and
locale/vi repeats the msgids (plus, from locale/vi-extra.po, Django's own strings that Django's
bundled Vietnamese catalogue lacks). See locale/README.md.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
VI_EXTRA = LOCALE / "vi-extra.po"

# %(name)s with any conversion, and the bare %s, %d, %%.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sd%]")
EN_NAV_BLOCS = "Blocs and clusters"  # the English of "Khối, cụm"


# --- A small .po reader (stdlib only) --------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def forms(self) -> list[str]:
        return [self.msgstr[n] for n in sorted(self.msgstr)]

    def source_for(self, form: int) -> str:
        """The msgid a plural form translates: msgid for the first form, msgid_plural for the others."""
        return self.msgid if form == 0 or self.msgid_plural is None else self.msgid_plural


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"'), text
    assert text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    seen_msgid = False

    def finish():
        if entry is not None and seen_msgid:
            entries.append(entry)

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            finish()
            entry, seen_msgid = None, False
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.msgctxt, target = _unquote(line[8:]), ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", 0)
        elif line.startswith("msgid "):
            entry.msgid, target, seen_msgid = _unquote(line[6:]), ("msgid", 0), True
        elif line.startswith("msgstr["):
            form = int(line[7 : line.index("]")])
            entry.msgstr[form], target = _unquote(line[line.index("]") + 1 :]), ("msgstr", form)
        elif line.startswith("msgstr "):
            entry.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"'):
            name, form = target
            if name == "msgstr":
                entry.msgstr[form] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            raise AssertionError(f"{path}: cannot read line {line!r}")
    return entries


def messages(path: Path) -> list[Entry]:
    """The entries without the header."""
    entries = read_po(path)
    assert entries, f"{path} is empty"
    assert entries[0].msgid == "", f"{path} has no header entry"
    return entries[1:]


def nplurals(path: Path) -> int:
    header = read_po(path)[0].msgstr[0]
    match = re.search(r"^Plural-Forms:\s*nplurals=(\d+);", header, re.MULTILINE)
    assert match, f"{path}: no Plural-Forms in the header"
    return int(match.group(1))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def extra_msgids() -> set[str]:
    return {e.key for e in messages(VI_EXTRA)}


# --- The catalogues --------------------------------------------------------------------------


def test_english_is_complete():
    forms = nplurals(EN_PO)
    assert forms == 2
    untranslated = [
        e.msgid
        for e in messages(EN_PO)
        if not e.msgstr or not all(e.forms) or (e.msgid_plural is not None and len(e.msgstr) != forms)
    ]
    assert untranslated == []


@pytest.mark.parametrize("path", [EN_PO, VI_PO, VI_EXTRA], ids=["en", "vi", "vi-extra"])
def test_nothing_is_fuzzy(path):
    assert [e.msgid for e in read_po(path) if "fuzzy" in e.flags] == []


def test_vietnamese_repeats_the_msgids():
    """Our msgids are Vietnamese already; a stale or fuzzy-matched msgstr would show the wrong text."""
    assert nplurals(VI_PO) == 1
    extras = extra_msgids()
    wrong = [(e.msgid, e.forms) for e in messages(VI_PO) if e.key not in extras and e.forms != [e.msgid]]
    assert wrong == []


def test_both_catalogues_have_the_same_msgids():
    en = {e.key for e in messages(EN_PO)}
    vi = {e.key for e in messages(VI_PO)}
    extras = extra_msgids()
    assert extras, "locale/vi-extra.po has no entries"
    assert extras <= vi, "run the msgcat step of locale/README.md: vi-extra.po is not merged"
    assert not extras & en, "a string of vi-extra.po is one of thidua's own msgids"
    assert vi - extras == en


def test_django_strings_missing_from_django_vi_catalogue_are_translated():
    extras = {e.key: e.msgstr[0] for e in messages(VI_EXTRA)}
    assert extras["- Select an option -"] == "- Chọn -"
    merged = {e.key: e.msgstr[0] for e in messages(VI_PO)}
    assert {key: merged.get(key) for key in extras} == extras


@pytest.mark.parametrize("path", [EN_PO, VI_PO], ids=["en", "vi"])
def test_placeholders_are_kept(path):
    wrong = [
        (e.msgid, form, text)
        for e in messages(path)
        for form, text in sorted(e.msgstr.items())
        if placeholders(text) != placeholders(e.source_for(form))
    ]
    assert wrong == []


@pytest.mark.parametrize("path", [EN_PO, VI_PO], ids=["en", "vi"])
def test_committed_mo_matches_the_po(path):
    """The .mo files are committed: they must hold exactly what compiling the .po would give."""
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as fp:
        catalog = dict(gettext.GNUTranslations(fp)._catalog)  # the parsed .mo, as gettext itself reads it
    catalog.pop("", None)  # the header
    expected = {}
    for e in messages(path):
        if "fuzzy" in e.flags or not all(e.forms):
            continue  # msgfmt leaves these out
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, form): text for form, text in e.msgstr.items()})
    assert catalog == expected, f"{mo} is stale: run compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("path", [EN_PO, VI_PO, VI_EXTRA], ids=["en", "vi", "vi-extra"])
def test_msgfmt_accepts_the_catalogue(path):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=-", str(path)], capture_output=True, text=False, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")


# --- The pages -------------------------------------------------------------------------------


def test_chosen_english_is_used(client_for, viewer, world):
    client = client_for(viewer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("blocs:list"))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"
    html = page.content.decode()
    assert f">{EN_NAV_BLOCS}</a>" in html
    assert "Khối, cụm</a>" not in html


def test_vietnamese_without_a_choice(client_for, viewer, world):
    page = client_for(viewer).get(reverse("blocs:list"))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "vi"
    html = page.content.decode()
    assert ">Khối, cụm</a>" in html
    assert EN_NAV_BLOCS not in html
