"""Writes on a bloc's year as a whole: the open/closed guard every record write goes through,
closing and reopening."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear


def bloc_year_get(*, bloc: Bloc, year: int) -> BlocYear:
    """The bloc-year row, created on first use (every bloc has every year, open until closed)."""
    bloc_year, _created = BlocYear.objects.get_or_create(bloc=bloc, year=year)
    return bloc_year


def ensure_year_open(*, bloc: Bloc | int, year: int) -> None:
    """Refuse any write on a closed bloc-year. Call inside the writing transaction.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL), so a write cannot slip in while the
    head closes the year.
    """
    bloc_id = bloc if isinstance(bloc, int) else bloc.pk
    closed = (
        BlocYear.objects.select_for_update()
        .filter(bloc_id=bloc_id, year=year, closed_at__isnull=False)
        .values_list("closed_at", flat=True)
        .first()
    )
    if closed is not None:
        raise ValidationError(
            _("Năm %(year)s của khối đã khóa sổ ngày %(date)s: không thể sửa. Ban Thi đua - Khen thưởng có thể mở lại.")
            % {"year": year, "date": timezone.localtime(closed).strftime("%d/%m/%Y")},
            code="year_closed",
        )


@transaction.atomic
def year_close(*, bloc: Bloc, year: int, user) -> BlocYear:
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year_get(bloc=bloc, year=year).pk)
    if bloc_year.is_closed:
        raise ValidationError(_("Năm %(year)s của khối đã khóa sổ.") % {"year": year})
    bloc_year.closed_at = timezone.now()
    bloc_year.closed_by = user
    bloc_year.version += 1
    bloc_year._change_reason = _("Khóa sổ năm %(year)s") % {"year": year}
    bloc_year.save()
    return bloc_year


@transaction.atomic
def year_reopen(*, bloc: Bloc, year: int, user, reason: str) -> BlocYear:
    """Reopen a closed year; the reason is required and kept in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do mở lại năm đã khóa sổ.")})
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year_get(bloc=bloc, year=year).pk)
    if not bloc_year.is_closed:
        raise ValidationError(_("Năm %(year)s của khối đang mở.") % {"year": year})
    bloc_year.closed_at = None
    bloc_year.closed_by = None
    bloc_year.reopen_reason = reason
    bloc_year.version += 1
    bloc_year._change_reason = reason
    bloc_year.save()
    return bloc_year
