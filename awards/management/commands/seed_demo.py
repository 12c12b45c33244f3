"""`manage.py seed_demo`: the demo province (blocs, units, three years of members, rule sets, logins,
the year's records, the year-end meetings, and the year's award nominations with their review and an
award decision).

It lives in the highest app it fills (awards), because it fills every app to its left.

The data lives in blocs/demo_data.py. Every row is written with save(), so django-simple-history
records it and the search/sort keys are derived; rows are found by code or username, so running
again with --force updates them and never duplicates them.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from awards.demo import seed_nominations, summary_counts
from blocs import demo_data
from blocs.demo_records import seed_records
from blocs.models import Bloc, BlocKind, MemberRole, Membership, Role, RoleKind, RuleSet
from blocs.services import ruleset_create_default, ruleset_create_for_year
from meetings.demo import seed_meetings
from units.models import Unit

DEMO_PASSWORD = "thidua-demo-2026"
NOMINATION_YEAR = 2025
DEMO_SALT = "thiduaDemoSeedSalt2026x"  # 23 letters and digits: enough entropy that Django keeps the hash


def _upsert(model, lookup: dict, values: dict, existing=None) -> tuple[models.Model, bool]:
    """Find the row by `lookup` (or take `existing`), create it or update the fields that differ.

    Returns (object, created). An unchanged row is not saved again, so a second run adds no history.
    """
    obj = existing if existing is not None else model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    changed = False
    for name, value in values.items():
        field = model._meta.get_field(name)
        if isinstance(value, models.Model):
            current, value = getattr(obj, field.attname), value.pk
            name = field.attname
        else:
            current = getattr(obj, name)
        if current != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        if hasattr(obj, "version"):
            obj.version += 1  # rows with optimistic locking: an open edit form must notice the change
        obj.save()
    return obj, False


class Command(BaseCommand):
    help = (
        "Tạo tỉnh mẫu để dùng thử: các khối, cụm thi đua, đơn vị, thành viên các năm 2024–2026, quy chế, "
        "tài khoản mẫu (mật khẩu chung: " + DEMO_PASSWORD + "), hồ sơ thi đua, hội nghị tổng kết, hồ sơ đề nghị "
        "khen thưởng năm 2025 cùng kết quả thẩm định và quyết định khen thưởng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì nếu cơ sở dữ liệu đã có đơn vị (dùng cho `make run`).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Chạy cả khi cơ sở dữ liệu đã có dữ liệu: tạo phần còn thiếu, cập nhật dữ liệu mẫu theo mã, "
                "tên đăng nhập (không tạo trùng) và đặt lại mật khẩu các tài khoản mẫu."
            ),
        )

    def handle(self, *args, if_empty: bool = False, force: bool = False, **options):
        with transaction.atomic():
            if Unit.objects.exists():
                if if_empty:
                    self.stdout.write("Cơ sở dữ liệu đã có đơn vị: không tạo dữ liệu mẫu.")
                    return
                if not force:
                    raise CommandError(
                        "Cơ sở dữ liệu đã có dữ liệu (đơn vị). Dùng --force để bổ sung, cập nhật dữ liệu mẫu "
                        "(không tạo trùng), hoặc --if-empty để bỏ qua."
                    )
            created = {}
            blocs = self._blocs(created)
            units = self._units(created)
            self._memberships(blocs, units, created)
            self._rule_sets(created)
            users = self._accounts(blocs, units, created)
            board = next(user for user, _role, _scope in users if user.username == "bankt")
            records = seed_records(
                years=(2024, 2025, 2026), closed_years=(2024,), closed_by=board, rating_years=range(2020, 2026)
            )
            meetings = seed_meetings(years=(2024, 2025), applied_by=board)
            reviewer = next(user for user, role, _scope in users if role == RoleKind.BOARD_REVIEWER)
            heads = {data["bloc"] for data in demo_data.ACCOUNTS if data["role"] == RoleKind.BLOC_HEAD}
            nominations = seed_nominations(
                year=NOMINATION_YEAR, board=board, reviewer=reviewer, keep_draft={blocs[code].code for code in heads}
            )
        self._report(blocs, units, users, created)
        self.stdout.write(
            "Hồ sơ năm: {tables} bảng điểm, {scores} điểm, {pledges} giao ước, {ratings} xếp loại (2020–2025), "
            "{closed} năm đã khóa sổ (2024).".format(**records)
        )
        self.stdout.write(
            "Hội nghị tổng kết 2024, 2025: {meetings} hội nghị, {ballots} lần bỏ phiếu (gồm bầu khối trưởng, "
            "khối phó năm sau).".format(**meetings)
        )
        self._report_nominations(nominations)

    # -- writing --------------------------------------------------------------------------------

    def _blocs(self, created: dict) -> dict[str, Bloc]:
        """The demo blocs by demo code; a bloc of the same name already there is taken over."""
        result, count = {}, 0
        for data in demo_data.BLOCS:
            existing = Bloc.objects.filter(code=data["code"]).first() or Bloc.objects.filter(name=data["name"]).first()
            lookup = {"code": data["code"]} if existing is None else {}
            values = {"name": data["name"], "kind": data["kind"], "description": data["description"], "active": True}
            result[data["code"]], new = _upsert(Bloc, lookup, values, existing)
            count += new
        created["blocs"] = count
        return result

    def _units(self, created: dict) -> dict[str, Unit]:
        """The demo units by demo code; a single unit of the same name already there is taken over."""
        result, count = {}, 0
        for data in demo_data.units():
            code = data.pop("code")
            existing = Unit.objects.filter(code=code).first()
            if existing is None:
                namesakes = list(Unit.objects.filter(name=data["name"])[:2])
                existing = namesakes[0] if len(namesakes) == 1 else None
            lookup = {"code": code} if existing is None else {}
            result[code], new = _upsert(Unit, lookup, data, existing)
            count += new
        created["units"] = count
        return result

    def _memberships(self, blocs: dict[str, Bloc], units: dict[str, Unit], created: dict) -> None:
        count = 0
        for year, plan in demo_data.membership_plan().items():
            # Free the head and deputy places the plan gives to other units, so that no constraint trips.
            for bloc_code, rows in plan.items():
                wanted = {units[unit].pk: role for unit, role, _note in rows if role != MemberRole.MEMBER}
                holders = Membership.objects.filter(bloc=blocs[bloc_code], year=year).exclude(role=MemberRole.MEMBER)
                for membership in holders:
                    if wanted.get(membership.unit_id) != membership.role:
                        membership.role = MemberRole.MEMBER
                        membership.version += 1
                        membership.save()
            for bloc_code, rows in plan.items():
                for unit_code, role, note in rows:
                    _obj, new = _upsert(
                        Membership,
                        {"unit": units[unit_code], "year": year},
                        {"bloc": blocs[bloc_code], "role": role, "note": note},
                    )
                    count += new
        created["memberships"] = count

    def _rule_sets(self, created: dict) -> None:
        """Each year's rule set: the defaults the first year, then copied from the year before.

        A rule set that already exists is left as the board made it.
        """
        count = 0
        for year in demo_data.YEARS:
            if RuleSet.objects.filter(year=year).exists():
                continue
            if RuleSet.objects.filter(year__lt=year).exists():
                rule_set = ruleset_create_for_year(year=year)
            else:
                rule_set = ruleset_create_default(year=year)
            legal_basis = demo_data.RULE_SET_LEGAL_BASIS.get(year)
            if legal_basis and rule_set.legal_basis != legal_basis:
                rule_set.legal_basis = legal_basis
                rule_set.save()
            count += 1
        created["rule_sets"] = count

    def _accounts(self, blocs: dict[str, Bloc], units: dict[str, Unit], created: dict) -> list:
        user_model = get_user_model()
        # One hash, with a fixed salt, for all the demo accounts: they share a published password, hashing is
        # slow on purpose, and a run after the first compares stored hashes instead of hashing again.
        password = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
        users, count = [], 0
        for data in demo_data.ACCOUNTS:
            is_admin = data.get("admin", False)
            values = {
                "full_name": data["full_name"],
                "position": data["position"],
                "is_active": True,
                "is_staff": is_admin,
                "is_superuser": is_admin,
            }
            user = user_model.objects.filter(username=data["username"]).first()
            if user is None:
                user = user_model(username=data["username"], password=password, **values)
                user.save()
                count += 1
            else:
                _upsert(user_model, {}, values, existing=user)
                if user.password != password:  # --force: the demo logins work again
                    user.password = password
                    user.save(update_fields=["password"])
            bloc = blocs[data["bloc"]] if "bloc" in data else None
            unit = units[data["unit"]] if "unit" in data else None
            Role.objects.get_or_create(user=user, kind=data["role"], bloc=bloc, unit=unit)
            users.append((user, data["role"], bloc or unit))
        created["accounts"] = count
        return users

    # -- reporting ------------------------------------------------------------------------------

    def _report_nominations(self, created: dict) -> None:
        year = NOMINATION_YEAR
        totals = summary_counts(year)
        states = "; ".join(f"{label.lower()}: {n}" for label, n in totals["states"])
        self.stdout.write(
            f"Hồ sơ đề nghị khen thưởng năm {year}: {totals['total']} hồ sơ ({states}), {totals['files']} tài liệu "
            f"kèm theo; mới tạo: {created['nominations']} hồ sơ."
        )
        decisions = "; ".join(
            f"số {d.number} ngày {d.date:%d/%m/%Y} tặng {d.award_type.name} cho {n} tập thể"
            for d, n in totals["decisions"]
        )
        self.stdout.write(
            f"Quyết định khen thưởng năm {year}: {len(totals['decisions'])}"
            + (f" ({decisions})" if decisions else "")
            + f"; mới tạo: {created['decisions']}."
        )

    def _report(self, blocs: dict[str, Bloc], units: dict[str, Unit], users: list, created: dict) -> None:
        out = self.stdout.write
        bloc_list = list(blocs.values())
        khoi = sum(b.kind == BlocKind.KHOI for b in bloc_list)
        active_units = sum(u.active for u in units.values())
        out(self.style.SUCCESS(f"Đã tạo dữ liệu mẫu của {demo_data.PROVINCE}."))
        out(
            f"  Khối, cụm thi đua: {len(bloc_list)} ({khoi} khối, {len(bloc_list) - khoi} cụm); "
            f"mới tạo: {created['blocs']}"
        )
        out(f"  Đơn vị: {len(units)} ({active_units} đang hoạt động); mới tạo: {created['units']}")
        per_year = (
            Membership.objects.filter(bloc__in=bloc_list, year__in=demo_data.YEARS)
            .values_list("year")
            .annotate(n=models.Count("pk"))
            .order_by("year")
        )
        years = "; ".join(f"năm {year}: {n}" for year, n in per_year)
        out(f"  Thành viên khối: {years}; mới tạo: {created['memberships']}")
        out(f"  Quy chế: năm {', '.join(str(y) for y in demo_data.YEARS)}; mới tạo: {created['rule_sets']}")
        out(f"  Tài khoản mẫu: {len(users)}; mới tạo: {created['accounts']}")
        out("")
        out(f"Đăng nhập — mật khẩu chung cho mọi tài khoản mẫu: {DEMO_PASSWORD}")
        rows = [("Tên đăng nhập", "Họ và tên", "Vai trò", "Phạm vi")]
        for user, kind, scope in users:
            rows.append(
                (user.username, user.full_name, str(RoleKind(kind).label), str(scope) if scope else "Toàn tỉnh")
            )
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            out("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
