"""The bloc's pledge of the year (giao ước thi đua) and its members' title registrations (đăng ký danh hiệu).

Bloc staff and the board edit the pledge; each member unit's officer signs it and registers titles
for their own unit. Pages run a fixed number of queries whatever the number of members.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from blocs import pledge_targets
from blocs.access import scope_of
from blocs.forms_pledges import ArticleFormSet, PledgeForm, RegistrationForm, SignatureForm, TargetFormSet
from blocs.models import (
    Membership,
    Pledge,
    PledgeSignature,
    TitleRegistration,
)
from blocs.services_pledges import (
    pledge_copy,
    pledge_signature_record,
    pledge_signature_remove,
    pledge_update,
    registration_state,
    registrations_set,
    signature_state,
)
from blocs.views.year import BlocYearMixin
from units.concurrency import VersionConflict
from units.history import history_rows
from units.models import AnnualRating, AwardType

# --- Shared wiring -------------------------------------------------------------------------------


class PledgeYearMixin(BlocYearMixin):
    def get_pledge(self) -> Pledge | None:
        if not hasattr(self, "_pledge"):
            self._pledge = Pledge.objects.filter(bloc=self.bloc, year=self.year).first()
        return self._pledge

    def get_members(self):
        if not hasattr(self, "_members"):
            self._members = self.members()
        return self._members

    def acting_unit_ids(self) -> set[int]:
        """Member units the user may sign and register for: the `units.register_titles` rule, for
        every member at once (one query at most); none while the year is closed."""
        member_ids = {m.unit_id for m in self.get_members()}
        scope = scope_of(self.request.user)
        if self.closed or not member_ids:
            return set()
        if scope.is_board:
            return member_ids
        ids = member_ids & scope.officer_of
        if scope.bloc_ids:
            ids |= set(
                Membership.objects.filter(unit_id__in=member_ids, bloc_id__in=scope.bloc_ids).values_list(
                    "unit_id", flat=True
                )
            )
        return ids

    def action_unit(self):
        """The member unit a POST acts for: 403 while the year is closed or without permission on it."""
        if self.closed:
            raise PermissionDenied
        raw = self.request.POST.get("unit", "")
        unit = next((m.unit for m in self.get_members() if str(m.unit_id) == raw), None)
        if unit is None:
            raise Http404
        if not self.request.user.has_perm("units.register_titles", unit):
            raise PermissionDenied
        return unit

    def page_url(self, name: str, anchor: str = "") -> str:
        return reverse(f"blocs:{name}", kwargs={"pk": self.bloc.pk, "year": self.year}) + anchor


def _refuse_if_closed(exc: ValidationError) -> None:
    """The year was closed between page load and save: the write is refused like any closed-year write."""
    if getattr(exc, "code", None) == "year_closed":
        raise PermissionDenied(" ".join(exc.messages))


# --- The pledge ----------------------------------------------------------------------------------


class PledgePage(PledgeYearMixin, TemplateView):
    """Header, articles, targets with their result, and the members' signatures."""

    template_name = "blocs/year/pledge.html"

    def get_context_data(self, sign_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = self.get_pledge()
        context["pledge"] = pledge
        if pledge is None:
            context["previous"] = (
                Pledge.objects.filter(bloc=self.bloc, year__lt=self.year).order_by("-year").only("year").first()
            )
            return context
        members = self.get_members()
        member_ids = [m.unit_id for m in members]
        signatures = {s.unit_id: s for s in pledge.signatures.all()}
        facts = pledge_targets.facts_from(
            member_ids=member_ids,
            signed_ids=signatures,
            ratings=dict(
                AnnualRating.objects.filter(year=self.year, unit_id__in=member_ids).values_list("unit_id", "rating")
            ),
            registrations=TitleRegistration.objects.filter(
                year=self.year, unit_id__in=member_ids, award_type__active=True
            ).values_list("unit_id", "award_type__code"),
        )
        targets = list(pledge.targets.all())
        for target in targets:
            target.result = pledge_targets.evaluate(
                kind=target.kind,
                measure=target.measure,
                target_value=target.target_value,
                manual_value=target.manual_value,
                facts=facts,
            )
            target.target_text = pledge_targets.target_text(kind=target.kind, target_value=target.target_value)
        acting = self.acting_unit_ids()
        sign_forms = sign_forms or {}
        rows = []
        for membership in members:
            signature = signatures.get(membership.unit_id)
            form = sign_forms.get(membership.unit_id)
            if form is None and membership.unit_id in acting:
                form = SignatureForm(
                    unit_pk=membership.unit_id,
                    initial={
                        "signed_on": signature.signed_on if signature else pledge.adopted_on or timezone.localdate(),
                        "signed_by": signature.signed_by if signature else membership.unit.leader_name,
                        "signer_title": signature.signer_title if signature else membership.unit.leader_title,
                        "state": signature_state(signature),
                    },
                )
            rows.append({"membership": membership, "unit": membership.unit, "signature": signature, "form": form})
        context.update(
            articles=list(pledge.articles.all()),
            targets=targets,
            rows=rows,
            signed_count=facts.signed,
            member_count=facts.members,
            history=history_rows(pledge),
        )
        return context


class PledgeEdit(PledgeYearMixin, TemplateView):
    """The header, articles and targets in one form, saved together or not at all."""

    template_name = "blocs/year/pledge_edit.html"

    def _pledge_or_redirect(self):
        self.require_edit()
        pledge = self.get_pledge()
        if pledge is None:
            messages.info(self.request, _("Khối chưa có giao ước năm %(year)s: hãy tạo trước.") % {"year": self.year})
        return pledge

    def get(self, request, *args, **kwargs):
        pledge = self._pledge_or_redirect()
        if pledge is None:
            return redirect(self.page_url("pledge"))
        return self.render_to_response(
            self.get_context_data(
                form=PledgeForm(instance=pledge),
                articles=ArticleFormSet(instance=pledge, prefix="articles", initial=self._next_orders(pledge.articles)),
                targets=TargetFormSet(instance=pledge, prefix="targets", initial=self._next_orders(pledge.targets)),
            )
        )

    def post(self, request, *args, **kwargs):
        pledge = self._pledge_or_redirect()
        if pledge is None:
            return redirect(self.page_url("pledge"))
        form = PledgeForm(request.POST, instance=pledge)
        articles = ArticleFormSet(request.POST, instance=pledge, prefix="articles")
        targets = TargetFormSet(request.POST, instance=pledge, prefix="targets")
        valid = [form.is_valid(), articles.is_valid(), targets.is_valid()]  # every error, not just the first
        saved_now = None
        if all(valid):
            try:
                pledge_update(pledge_form=form, article_formset=articles, target_formset=targets)
            except VersionConflict:
                saved_now = Pledge.objects.prefetch_related("articles", "targets").get(pk=pledge.pk)
            except ValidationError as exc:
                _refuse_if_closed(exc)
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu giao ước năm %(year)s.") % {"year": self.year})
                return redirect(self.page_url("pledge"))
        return self.render_to_response(
            self.get_context_data(form=form, articles=articles, targets=targets, saved_now=saved_now)
        )

    @staticmethod
    def _next_orders(manager) -> list[dict]:
        last = max((row.order for row in manager.all()), default=0)
        return [{"order": last + 1}, {"order": last + 2}]


class PledgeCopy(PledgeYearMixin, TemplateView):
    """Create the year's pledge from the latest earlier one (or empty), then go on to edit it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_edit()
        try:
            pledge = pledge_copy(bloc=self.bloc, year=self.year, from_previous=request.POST.get("source") != "empty")
        except ValidationError as exc:
            _refuse_if_closed(exc)
            messages.error(request, " ".join(exc.messages))
            return redirect(self.page_url("pledge"))
        messages.success(request, _("Đã tạo «%(title)s»; hãy xem lại từng mục.") % {"title": pledge.title})
        return redirect(self.page_url("pledge_edit"))


class PledgeSign(PledgePage):
    """Record, correct or remove a member unit's signature of the pledge."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        unit = self.action_unit()
        pledge = self.get_pledge()
        if pledge is None:
            messages.error(request, _("Khối chưa có giao ước năm %(year)s.") % {"year": self.year})
            return redirect(self.page_url("pledge"))
        form = SignatureForm(request.POST, unit_pk=unit.pk)
        anchor = f"#sig-row-{unit.pk}"
        expected = request.POST.get("state", "")
        try:
            if request.POST.get("action") == "remove":
                pledge_signature_remove(pledge=pledge, unit=unit, expected_state=expected)
                messages.success(request, _("Đã xóa chữ ký của %(unit)s.") % {"unit": unit})
                return redirect(self.page_url("pledge", anchor))
            if form.is_valid():
                pledge_signature_record(
                    pledge=pledge,
                    unit=unit,
                    signed_on=form.cleaned_data["signed_on"],
                    signed_by=form.cleaned_data["signed_by"],
                    signer_title=form.cleaned_data["signer_title"],
                    expected_state=expected,
                )
                messages.success(request, _("Đã ghi chữ ký giao ước của %(unit)s.") % {"unit": unit})
                return redirect(self.page_url("pledge", anchor))
        except ValidationError as exc:
            _refuse_if_closed(exc)
            form.is_valid()
            form.add_error(None, exc)
            self._refresh_state(form, pledge, unit)
        return self.render_to_response(self.get_context_data(sign_forms={unit.pk: form}))

    @staticmethod
    def _refresh_state(form, pledge, unit) -> None:
        """After a conflict the form carries the current state, so saving again is a deliberate overwrite."""
        current = PledgeSignature.objects.filter(pledge=pledge, unit=unit).first()
        data = form.data.copy()
        data["state"] = signature_state(current)
        form.data = data


# --- Title registrations -------------------------------------------------------------------------


class RegistrationsPage(PledgeYearMixin, TemplateView):
    """Members × active award types (titles first): who registered what, and who has not yet."""

    template_name = "blocs/year/registrations.html"

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "reg-summary":  # refreshed after a row is saved
            return [f"{self.template_name}#summary"]
        return [self.template_name]

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        award_types = list(AwardType.objects.filter(active=True).order_by("-is_title", "order", "name"))
        members = self.get_members()
        registered: dict[int, dict[int, object]] = {m.unit_id: {} for m in members}
        for unit_id, award_id, day in TitleRegistration.objects.filter(
            year=self.year, unit_id__in=registered, award_type__active=True
        ).values_list("unit_id", "award_type_id", "registered_on"):
            registered[unit_id][award_id] = day
        acting = self.acting_unit_ids()
        rows = [self._row(m, registered[m.unit_id], m.unit_id in acting, bound) for m in members]
        context.update(
            award_types=award_types,
            rows=rows,
            **self._summary(rows, award_types),
        )
        return context

    def _row(self, membership, registered: dict, can_act: bool, bound) -> dict:
        row = {
            "unit": membership.unit,
            "membership": membership,
            "registered": registered,
            "checked": set(registered),
            "date": min(registered.values()) if registered else None,
            "can_act": can_act,
            "state": registration_state(registered),
            "errors": [],
            "saved": False,
        }
        row["date_value"] = (row["date"] or timezone.localdate()).isoformat()
        if bound and bound["unit_id"] == membership.unit_id:
            row.update(bound)
        return row

    @staticmethod
    def _summary(rows, award_types) -> dict:
        missing = [row["unit"] for row in rows if not row["registered"]]
        return {
            "registered_count": len(rows) - len(missing),
            "member_count": len(rows),
            "not_registered": missing,
            "per_award": [(award, sum(1 for row in rows if award.pk in row["registered"])) for award in award_types],
        }


class RegistrationSave(RegistrationsPage):
    """Set one unit's registrations; with htmx only its row comes back, else back to the page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        unit = self.action_unit()
        form = RegistrationForm(request.POST)
        errors = []
        if form.is_valid():
            try:
                registrations_set(
                    bloc=self.bloc,
                    year=self.year,
                    unit=unit,
                    award_types=form.cleaned_data["award_types"],
                    registered_on=form.cleaned_data["registered_on"] or timezone.localdate(),
                    expected_state=form.cleaned_data["state"],
                )
            except ValidationError as exc:
                _refuse_if_closed(exc)
                errors = exc.messages
        else:
            errors = [e for field_errors in form.errors.values() for e in field_errors]
        if not errors and not request.htmx:
            messages.success(request, _("Đã lưu đăng ký danh hiệu của %(unit)s.") % {"unit": unit})
            return redirect(self.page_url("registrations", f"#reg-row-{unit.pk}"))
        bound = None
        if errors:  # show what they ticked, with the current state, so a second save is deliberate
            bound = {
                "unit_id": unit.pk,
                "checked": {int(pk) for pk in request.POST.getlist("award_types") if pk.isdigit()},
                "date_value": request.POST.get("registered_on", ""),
                "errors": errors,
            }
        context = self.get_context_data(bound=bound)
        if not request.htmx:
            return self.render_to_response(context)
        context["row"] = next(row for row in context["rows"] if row["unit"].pk == unit.pk)
        context["row"]["saved"] = not errors
        response = self.response_class(
            request=request, template="blocs/year/registrations.html#row", context=context, using=self.template_engine
        )
        if not errors:
            response.headers["HX-Trigger"] = "registrations-changed"
        return response


_YEAR = "khoi/<int:pk>/nam/<int:year>/"
urls = [
    path(f"{_YEAR}giao-uoc/", PledgePage.as_view(), name="pledge"),
    path(f"{_YEAR}giao-uoc/sua/", PledgeEdit.as_view(), name="pledge_edit"),
    path(f"{_YEAR}giao-uoc/sao-chep/", PledgeCopy.as_view(), name="pledge_copy"),
    path(f"{_YEAR}giao-uoc/ky/", PledgeSign.as_view(), name="pledge_sign"),
    path(f"{_YEAR}dang-ky/", RegistrationsPage.as_view(), name="registrations"),
    path(f"{_YEAR}dang-ky/luu/", RegistrationSave.as_view(), name="registration_save"),
]
