"""Writes on a bloc's pledge (giao ước thi đua) and the units' title registrations of a year.

Every function runs in one transaction and first checks that the bloc-year is open.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.models import Bloc, Membership, Pledge, PledgeArticle, PledgeSignature, PledgeTarget, TitleRegistration
from blocs.services_year import ensure_year_open
from units.models import AwardType, Unit
from units.text import clean_text

CONFLICT = "conflict"


def default_pledge_title(year: int) -> str:
    return _("Giao ước thi đua năm %(year)s") % {"year": year}


def _ensure_member(*, bloc: Bloc, year: int, unit: Unit) -> None:
    if not Membership.objects.filter(bloc=bloc, year=year, unit=unit).exists():
        raise ValidationError(_("%(unit)s không phải thành viên của khối năm %(year)s.") % {"unit": unit, "year": year})


def _create_pledge(**values) -> Pledge:
    try:
        with transaction.atomic():
            return Pledge.objects.create(**values)
    except IntegrityError as exc:  # someone created it a moment ago
        raise ValidationError(_("Khối đã có giao ước năm %(year)s.") % {"year": values["year"]}, code=CONFLICT) from exc


@transaction.atomic
def pledge_copy(*, bloc: Bloc, year: int, from_previous: bool = True) -> Pledge:
    """Create the year's pledge: a copy of the bloc's latest earlier pledge, or an empty one.

    The copy takes the title (its year replaced), articles and targets; not the date, place,
    manual results or signatures, which belong to the year they happened in. With no earlier
    pledge (or `from_previous=False`) the new pledge is empty, titled "Giao ước thi đua năm <year>".
    """
    ensure_year_open(bloc=bloc, year=year)
    if Pledge.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationError(_("Khối đã có giao ước năm %(year)s.") % {"year": year})
    previous = None
    if from_previous:
        previous = Pledge.objects.filter(bloc=bloc, year__lt=year).order_by("-year").first()
    if previous is None:
        return _create_pledge(bloc=bloc, year=year, title=default_pledge_title(year))
    pledge = _create_pledge(bloc=bloc, year=year, title=previous.title.replace(str(previous.year), str(year)))
    for article in previous.articles.order_by("order", "pk"):
        PledgeArticle.objects.create(pledge=pledge, order=article.order, text=article.text)
    for target in previous.targets.order_by("order", "pk"):
        PledgeTarget.objects.create(
            pledge=pledge,
            order=target.order,
            description=target.description,
            kind=target.kind,
            target_value=target.target_value,
            measure=target.measure,
        )
    return pledge


@transaction.atomic
def pledge_update(*, pledge_form, article_formset, target_formset) -> Pledge:
    """Save the pledge's header, articles and targets together, or nothing.

    `pledge_form` is a `VersionedModelForm`: if someone saved the pledge since it was loaded it
    raises `units.concurrency.VersionConflict` and this whole transaction rolls back.
    """
    pledge = pledge_form.instance
    ensure_year_open(bloc=pledge.bloc_id, year=pledge.year)
    pledge = pledge_form.save()
    for formset in (article_formset, target_formset):
        formset.instance = pledge
        formset.save()
    return pledge


def signature_state(signature: PledgeSignature | None) -> str:
    """A short fingerprint of a unit's signature as a form showed it ("" for none), to catch a
    signature that someone else recorded or changed after the form was loaded."""
    if signature is None:
        return ""
    raw = f"{signature.signed_on.isoformat()}|{signature.signed_by}|{signature.signer_title}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _signature_conflict(pledge: Pledge, unit: Unit, expected_state: str | None) -> PledgeSignature | None:
    current = PledgeSignature.objects.select_for_update().filter(pledge=pledge, unit=unit).first()
    if expected_state is not None and signature_state(current) != expected_state:
        if current is None:
            message = _("Chữ ký của %(unit)s vừa được người khác xóa.") % {"unit": unit}
        else:
            message = _(
                "Chữ ký của %(unit)s vừa được người khác ghi: ngày %(date)s, người ký «%(by)s», chức vụ «%(title)s»."
            ) % {
                "unit": unit,
                "date": current.signed_on.strftime("%d/%m/%Y"),
                "by": current.signed_by,
                "title": current.signer_title or "—",
            }
        message += " " + _("Chưa có gì được ghi; bấm lần nữa nếu vẫn muốn thay đổi.")
        raise ValidationError(message, code=CONFLICT)
    return current


@transaction.atomic
def pledge_signature_record(
    *,
    pledge: Pledge,
    unit: Unit,
    signed_on: datetime.date,
    signed_by: str,
    signer_title: str = "",
    expected_state: str | None = None,
) -> PledgeSignature:
    """Record, or correct, that a member unit signed the pledge.

    `expected_state` is `signature_state` of the signature the form showed; a different one now
    means someone else wrote in between, and nothing is saved.
    """
    ensure_year_open(bloc=pledge.bloc_id, year=pledge.year)
    _ensure_member(bloc=pledge.bloc, year=pledge.year, unit=unit)
    signed_by, signer_title = clean_text(signed_by), clean_text(signer_title)
    if not signed_by:
        raise ValidationError({"signed_by": _("Cần ghi tên người ký.")})
    current = _signature_conflict(pledge, unit, expected_state)
    if current is None:
        current = PledgeSignature(pledge=pledge, unit=unit)
    current.signed_on, current.signed_by, current.signer_title = signed_on, signed_by, signer_title
    current.save()
    return current


@transaction.atomic
def pledge_signature_remove(*, pledge: Pledge, unit: Unit, expected_state: str | None = None) -> None:
    """Take back a unit's signature (entered by mistake)."""
    ensure_year_open(bloc=pledge.bloc_id, year=pledge.year)
    current = _signature_conflict(pledge, unit, expected_state)
    if current is not None:
        current.delete()


def registration_state(award_type_ids: Iterable[int]) -> str:
    """The registered award types as a form showed them: "3,5" (sorted ids), "" for none."""
    return ",".join(str(pk) for pk in sorted(set(award_type_ids)))


@transaction.atomic
def registrations_set(
    *,
    bloc: Bloc,
    year: int,
    unit: Unit,
    award_types: Iterable[AwardType],
    registered_on: datetime.date,
    expected_state: str | None = None,
) -> list[TitleRegistration]:
    """Make the unit's registrations for the year exactly `award_types` (among active award types).

    Registrations kept keep their date; new ones get `registered_on`. Registrations of award types
    no longer in use are left alone: the form does not show them. `expected_state` is
    `registration_state` of what the form showed; if someone changed it since, nothing is saved.
    """
    ensure_year_open(bloc=bloc, year=year)
    _ensure_member(bloc=bloc, year=year, unit=unit)
    wanted = {award.pk: award for award in award_types}
    inactive = [award.name for award in wanted.values() if not award.active]
    if inactive:
        raise ValidationError(_("Hình thức không còn được dùng: %(names)s.") % {"names": ", ".join(sorted(inactive))})
    current = {
        reg.award_type_id: reg
        for reg in TitleRegistration.objects.select_for_update()
        .filter(unit=unit, year=year, award_type__active=True)
        .select_related("award_type")
    }
    if expected_state is not None and registration_state(current) != expected_state:
        names = ", ".join(reg.award_type.name for reg in sorted(current.values(), key=lambda r: r.award_type.order))
        raise ValidationError(
            _(
                "Đăng ký của %(unit)s vừa được người khác thay đổi; hiện đã đăng ký: %(names)s. "
                "Chưa có gì được ghi; bấm Lưu lần nữa nếu vẫn muốn thay đổi."
            )
            % {"unit": unit, "names": names or _("chưa đăng ký danh hiệu nào")},
            code=CONFLICT,
        )
    for pk, registration in current.items():
        if pk not in wanted:
            registration.delete()
    for pk, award in wanted.items():
        if pk not in current:
            current[pk] = TitleRegistration.objects.create(
                bloc=bloc, unit=unit, year=year, award_type=award, registered_on=registered_on
            )
    return [current[pk] for pk in wanted]
