"""Hostile text typed into forms: stored as text, shown escaped, refused when too long.

Decision on control characters: they are dropped (C0 but tab and line breaks, DEL, C1), in the
form already and again on every write (`units.text.clean_text`/`clean_multiline`, used by the NFC
fields), so a NUL can never reach PostgreSQL and nothing invisible hides in a name. Direction marks
(RTL, LRM) are text: kept, and shown escaped like any text.
"""

import html

import pytest
from django.urls import reverse

from blocs.models import Bloc
from meetings.models import Meeting
from units.models import Unit, UnitKind
from units.text import clean_multiline, clean_text

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)> Sở <b>Tài</b> chính & "nháy" \'đơn\''
SQL = "Robert'); DROP TABLE units_unit;-- OR 1=1 /* ' \" \\"
RTL = "\u202eSở Tư pháp\u202c \u200fمرحبا\u200e"
TEMPLATE = "{{ request.user.password }} {% debug %} ${7*7} %(name)s"


def unit_data(**values):
    return {
        "name": "Sở Ngoại vụ",
        "short_name": "",
        "code": "sngv",
        "kind": UnitKind.SO_NGANH,
        "leader_name": "",
        "leader_title": "",
        "address": "",
        "note": "",
        "active": "on",
        **values,
    }


def create_unit(client, **values):
    return client.post(reverse("blocs:unit_create"), unit_data(**values))


@pytest.mark.parametrize("name", [SCRIPT, SQL, RTL, TEMPLATE], ids=["html-script", "sql", "rtl-marks", "template"])
def test_a_hostile_unit_name_is_stored_as_typed_and_shown_escaped(client_for, board, world, name):
    client = client_for(board)
    response = create_unit(client, name=name, address=name, note=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="sngv")
    assert unit.name == clean_text(name) == name
    assert unit.note == name
    assert Unit.objects.count() == 6  # the table is still there, nothing else happened

    for page in (
        client.get(reverse("blocs:unit_detail", kwargs={"pk": unit.pk})),
        client.get(reverse("blocs:unit_list")),
        client.get(reverse("blocs:unit_list"), {"q": name}),
    ):
        assert page.status_code == 200
        text = page.content.decode()
        assert html.escape(name, quote=False) in text or html.escape(name) in text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<b>Tài</b>" not in text


def test_sql_fragments_in_search_are_only_text(client_for, board, world):
    client = client_for(board)
    for query in (SQL, "%", "_", "' OR '1'='1", "\\", "%' --"):
        response = client.get(reverse("blocs:unit_list"), {"q": query})
        assert response.status_code == 200
        assert list(response.context["object_list"]) == [], query  # wildcards and quotes match literally
    assert Unit.objects.count() == 5
    everything = client.get(reverse("blocs:unit_list"), {"q": "s"}).context["object_list"]
    assert len(everything) > 0  # while an ordinary search still finds units


def test_an_overlong_name_is_refused_in_vietnamese_and_nothing_saved(client_for, board, world):
    limit = Unit._meta.get_field("name").max_length
    response = create_unit(client_for(board), name="Đ" * (limit + 1))
    assert response.status_code == 200
    assert f"tối đa {limit} kí tự (hiện có {limit + 1})" in response.content.decode()
    assert not Unit.objects.filter(code="sngv").exists()


def test_a_name_of_exactly_the_limit_is_accepted(client_for, board, world):
    limit = Unit._meta.get_field("name").max_length
    assert create_unit(client_for(board), name="Đ" * limit).status_code == 302
    assert len(Unit.objects.get(code="sngv").name) == limit


def test_control_characters_are_dropped_before_the_length_check(client_for, board, world):
    limit = Unit._meta.get_field("name").max_length
    typed = "Sở\x00 Tài\x07 chính\x1b\x7f\x85" + "\x01" * limit  # over the limit only with the controls
    response = create_unit(client_for(board), name=typed, note="Dòng một\x00\r\nDòng\ttwo\x0b")
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="sngv")
    assert unit.name == "Sở Tài chính"
    assert unit.note == "Dòng một\r\nDòng\ttwo"


def test_only_control_characters_is_an_empty_required_field(client_for, board, world):
    response = create_unit(client_for(board), name="\x00\x01\x02")
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()
    assert not Unit.objects.filter(code="sngv").exists()


def test_writes_outside_forms_drop_controls_too(world):
    unit = world["unit_a1"]
    Unit.objects.filter(pk=unit.pk).update(name="Văn phòng\x00 UBND\x1f tỉnh", note="a\x00b\nc")
    unit.refresh_from_db()
    assert (unit.name, unit.note) == ("Văn phòng UBND tỉnh", "ab\nc")
    assert clean_multiline("x\x00\ty\r\n\x9f") == "x\ty\r\n"


def test_a_hostile_bloc_and_meeting_are_shown_escaped(client_for, board, world, year_end_meeting):
    client = client_for(board)
    bloc = world["bloc_a"]
    Bloc.objects.filter(pk=bloc.pk).update(name=SCRIPT, description=SCRIPT + "\n" + SQL)
    Meeting.objects.filter(pk=year_end_meeting.pk).update(title=SCRIPT, place=RTL, content=SCRIPT, conclusions=SQL)
    pages = [
        client.get(reverse("blocs:detail", kwargs={"pk": bloc.pk})),
        client.get(reverse("blocs:list")),
        client.get(reverse("blocs:year", kwargs={"pk": bloc.pk, "year": 2025})),
        client.get(reverse("meetings:detail", kwargs={"meeting_pk": year_end_meeting.pk})),
        client.get(reverse("meetings:minutes", kwargs={"meeting_pk": year_end_meeting.pk})),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert "<script>alert" not in text, page.wsgi_request.path
        assert "<img src=x" not in text, page.wsgi_request.path
        assert "&lt;script&gt;alert(" in text, page.wsgi_request.path


def test_control_characters_in_a_search_are_ignored(client_for, board, world):
    """PostgreSQL refuses a NUL in a query: search keys never carry control characters."""
    response = client_for(board).get(reverse("blocs:unit_list"), {"q": "so\x00 tai\x07 chinh\x1b"})
    assert response.status_code == 200
    assert [u.name for u in response.context["object_list"]] == ["Sở Tài chính"]
