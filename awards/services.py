"""Writing nominations: creating them (from a ballot result or by hand), editing the summary, moving them
through the workflow (awards/workflow.py) and their dossier files.

Every write runs in one transaction and raises ValidationError with a Vietnamese message. A closed
bloc-year does not stop nominations being processed (moved through the workflow, their dossiers
completed) after the year is closed, but no nomination is entered by hand in it; a decided nomination
is immutable.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from awards import workflow
from awards.models import DossierFile, Nomination, ReviewEvent, State
from blocs.access import scope_of
from blocs.models import Bloc
from blocs.services_year import ensure_year_open
from meetings.models import Ballot
from meetings.services_ballots import passed_candidates
from meetings.uploads import check_upload
from units.models import AwardType, Unit
from units.text import clean_text


def roles_of(user, bloc_id: int) -> set[str]:
    """The workflow roles `user` holds for nominations of bloc `bloc_id`."""
    scope = scope_of(user)
    roles = set()
    if bloc_id in scope.head_of:
        roles.add(workflow.BLOC_HEAD)
    if bloc_id in scope.bloc_ids:
        roles.add(workflow.BLOC_STAFF)
    if scope.is_board:
        roles.add(workflow.BOARD)
    return roles


def may_edit(user, nomination: Nomination) -> bool:
    """Bloc staff (secretary or head) of the nomination's bloc, while the bloc holds it."""
    return workflow.BLOC_STAFF in roles_of(user, nomination.bloc_id) and workflow.is_editable(nomination.state)


def _refuse_unless_editable(nomination: Nomination) -> None:
    if nomination.state == State.DECIDED:
        raise ValidationError(_("Hồ sơ đã có quyết định khen thưởng, không thể thay đổi."), code="decided")
    if not workflow.is_editable(nomination.state):
        raise ValidationError(
            _("Hồ sơ đang ở trạng thái «%(state)s»: chỉ sửa được khi là dự thảo hoặc bị trả lại.")
            % {"state": nomination.get_state_display()},
            code="not_editable",
        )


def _require_staff(user, bloc_id: int) -> None:
    if workflow.BLOC_STAFF not in roles_of(user, bloc_id):
        raise PermissionDenied(_("Chỉ thư ký hoặc khối trưởng của khối được lập hồ sơ đề nghị."))


def _create(*, bloc_id: int, year: int, unit: Unit, award_type: AwardType, ballot, summary: str, user) -> Nomination:
    if Nomination.objects.filter(unit=unit, award_type=award_type, year=year).exists():
        raise ValidationError(
            _("%(unit)s đã có hồ sơ đề nghị «%(award)s» năm %(year)s.")
            % {"unit": unit.name, "award": award_type.name, "year": year},
            code="duplicate",
        )
    nomination = Nomination(
        bloc_id=bloc_id,
        year=year,
        unit=unit,
        award_type=award_type,
        ballot=ballot,
        summary=clean_text(summary or ""),
        created_by=user,
    )
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ValidationError(
            _("%(unit)s đã có hồ sơ đề nghị «%(award)s» năm %(year)s.")
            % {"unit": unit.name, "award": award_type.name, "year": year},
            code="duplicate",
        ) from None
    ReviewEvent.objects.create(nomination=nomination, from_state="", to_state=State.DRAFT, by=user)
    return nomination


@transaction.atomic
def nomination_create_from_ballot(*, ballot: Ballot, unit: Unit, user) -> Nomination:
    """A draft nomination of `unit` for the ballot's award type, if the ballot proposes that unit."""
    meeting = ballot.meeting
    _require_staff(user, meeting.bloc_id)
    passed = next((p for p in passed_candidates(ballot) if p.unit.pk == unit.pk), None)
    if passed is None:
        raise ValidationError(
            _("%(unit)s không được đề nghị theo kết quả phiếu bình xét này.") % {"unit": unit.name},
            code="not_passed",
        )
    return _create(
        bloc_id=meeting.bloc_id,
        year=meeting.year,
        unit=unit,
        award_type=passed.award_type,
        ballot=ballot,
        summary="",
        user=user,
    )


@transaction.atomic
def nomination_create(*, bloc: Bloc, year: int, unit: Unit, award_type: AwardType, summary: str, user) -> Nomination:
    """A draft nomination entered by hand (no ballot); refused on a closed bloc-year (read-only)."""
    _require_staff(user, bloc.pk)
    ensure_year_open(bloc=bloc, year=year)
    if not bloc.memberships.filter(year=year, unit=unit).exists():
        raise ValidationError(
            _("%(unit)s không phải thành viên của khối năm %(year)s.") % {"unit": unit.name, "year": year},
            code="not_member",
        )
    return _create(
        bloc_id=bloc.pk, year=year, unit=unit, award_type=award_type, ballot=None, summary=summary, user=user
    )


@transaction.atomic
def nomination_update(*, nomination: Nomination, summary: str, expected_version: int, user) -> Nomination:
    """Change the achievements summary; refused if someone saved in between (their text is shown)."""
    _require_staff(user, nomination.bloc_id)
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _refuse_unless_editable(current)
    if current.version != expected_version:
        raise ValidationError(
            _("Người khác vừa lưu hồ sơ này trước bạn. Nội dung hiện tại: «%(other)s». Hãy xem lại rồi lưu lại.")
            % {"other": current.summary},
            code="conflict",
        )
    current.summary = clean_text(summary or "")
    current.version += 1
    current.save(update_fields=["summary", "version"])
    return current


def _blocking_problems(nomination: Nomination) -> list[str]:
    from awards.checks import blocking_problems

    return list(blocking_problems(nomination))


@transaction.atomic
def nomination_transition(*, nomination: Nomination, action: str, user, reason: str = "") -> Nomination:
    """Take `action` on the nomination if the workflow table allows it from its state and the user's role;
    records a ReviewEvent (who, when, from, to, reason)."""
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if current.state == State.DECIDED:
        raise ValidationError(_("Hồ sơ đã có quyết định khen thưởng, không thể thay đổi."), code="decided")
    transition = workflow.allowed(current.state, action)
    label = workflow.ACTION_LABELS.get(action, action)
    if transition is None:
        raise ValidationError(
            _("Không thể «%(action)s» khi hồ sơ đang ở trạng thái «%(state)s».")
            % {"action": label, "state": current.get_state_display()},
            code="impossible",
        )
    if transition.who not in roles_of(user, current.bloc_id):
        raise PermissionDenied(_("Bạn không có quyền «%(action)s» hồ sơ này.") % {"action": label})
    reason = clean_text(reason or "")
    if transition.reason_required and not reason:
        raise ValidationError(_("Hãy ghi rõ lý do."), code="reason_required")
    if action == "submit":
        problems = _blocking_problems(current)
        if problems:
            raise ValidationError([_("Chưa thể trình hồ sơ:")] + [str(p) for p in problems], code="blocking_problems")
    ReviewEvent.objects.create(
        nomination=current, from_state=current.state, to_state=transition.to_state, by=user, reason=reason
    )
    current.state = transition.to_state
    current.version += 1
    current.save(update_fields=["state", "version"])
    return current


@transaction.atomic
def dossier_add(*, nomination: Nomination, upload, kind: str, user, name: str = "") -> DossierFile:
    """Check the file by content (meetings/uploads.py), store it under a generated name; removed again if
    the transaction fails."""
    _require_staff(user, nomination.bloc_id)
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    _refuse_unless_editable(current)
    checked = check_upload(upload)
    title = clean_text(name or "") or checked.filename
    dossier = DossierFile(
        nomination=current,
        kind=kind,
        name=title[:255],
        content_type=checked.kind.content_type,
        size=checked.size,
        uploaded_by=user,
    )
    dossier.file.save(f"{uuid.uuid4().hex}{checked.extension}", upload, save=False)
    stored = dossier.file.name
    try:
        dossier.full_clean(exclude=["file"])
        dossier.save()
    except Exception:
        default_storage.delete(stored)
        raise
    return dossier


@transaction.atomic
def dossier_remove(*, dossier: DossierFile, user) -> None:
    """Delete the record now and the stored file once the deletion has committed."""
    _require_staff(user, dossier.nomination.bloc_id)
    current = Nomination.objects.select_for_update().get(pk=dossier.nomination_id)
    _refuse_unless_editable(current)
    name = dossier.file.name
    dossier.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
