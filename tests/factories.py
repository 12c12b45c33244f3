import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from blocs.models import Bloc, BlocKind, MemberRole, Membership, Role, RoleKind, RuleSet
from units.models import AwardLevel, AwardType, Unit, UnitKind


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.django.Password("mat-khau-thu-nghiem-1")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị số {n}")
    code = factory.Sequence(lambda n: f"dv{n}")
    kind = UnitKind.SO_NGANH


class BlocFactory(DjangoModelFactory):
    class Meta:
        model = Bloc

    name = factory.Sequence(lambda n: f"Khối thi đua số {n}")
    code = factory.Sequence(lambda n: f"khoi-{n}")
    kind = BlocKind.KHOI


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    bloc = factory.SubFactory(BlocFactory)
    unit = factory.SubFactory(UnitFactory)
    year = 2025
    role = MemberRole.MEMBER


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.VIEWER


class AwardTypeFactory(DjangoModelFactory):
    class Meta:
        model = AwardType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"award-{n}")
    name = factory.Sequence(lambda n: f"Hình thức khen thưởng {n}")
    level = AwardLevel.PROVINCIAL


class RuleSetFactory(DjangoModelFactory):
    class Meta:
        model = RuleSet
        django_get_or_create = ("year",)

    year = 2025
    name = "Quy chế tổ chức và hoạt động của cụm, khối thi đua"
    legal_basis = "Luật Thi đua, khen thưởng số 06/2022/QH15"


class AwardDecisionFactory(DjangoModelFactory):
    """A provincial chairman's decision awarding the provincial certificate for 2025 (no nominations)."""

    class Meta:
        model = "awards.AwardDecision"
        django_get_or_create = ("number", "date")

    number = factory.Sequence(lambda n: f"{1200 + n}/QĐ-UBND")
    date = datetime.date(2026, 1, 15)
    signer = "Nguyễn Văn Hòa"
    signer_title = "Chủ tịch"
    award_type = factory.LazyFunction(lambda: AwardType.objects.get(code="bk-chu-tich-tinh"))
    year = 2025
    created_by = factory.SubFactory(UserFactory)
