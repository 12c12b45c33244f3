"""What the fuzz test (test_fuzz_forms.py) found, pinned down as plain tests."""

from django.urls import reverse

from meetings.models import Attendance


def test_attendance_with_a_row_left_out_is_refused_not_a_server_error(access_world, secretary_a, client_for):
    """Three rows announced, two sent: the third came back empty and the page crashed on it."""
    w = access_world
    before = list(Attendance.objects.order_by("pk").values())
    response = client_for(secretary_a).post(
        reverse("meetings:attendance", kwargs={"meeting_pk": w["meeting"].pk}),
        {
            "dh-TOTAL_FORMS": "3",
            "dh-INITIAL_FORMS": "0",
            "state": "",
            "dh-0-unit": str(w["unit_a1"].pk),
            "dh-1-unit": str(w["unit_a2"].pk),
        },
    )
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()
    assert list(Attendance.objects.order_by("pk").values()) == before


def test_everyone_present_with_a_huge_form_count_is_refused_at_once(access_world, secretary_a, client_for):
    """The "everyone present" shortcut looped over the posted form count: 10^14 rows kept a worker busy."""
    w = access_world
    url = reverse("meetings:attendance", kwargs={"meeting_pk": w["meeting"].pk})
    before = list(Attendance.objects.order_by("pk").values())
    for total in ("99999999999999", "²", "-1", "3.0"):
        response = client_for(secretary_a).post(
            url, {"dh-TOTAL_FORMS": total, "dh-INITIAL_FORMS": "0", "state": "", "all_present": "1"}
        )
        assert response.status_code in (200, 302), total  # the form again, or nothing to save
    assert list(Attendance.objects.order_by("pk").values()) == before
