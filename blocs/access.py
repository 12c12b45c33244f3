"""Who may see what: the roles of a user, read once per request, and the querysets they may see.

`rules` predicates (blocs/rules.py) and list views both read from here, so a page never shows
a row its detail view would refuse.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from blocs.models import BLOC_ROLES, Bloc, Membership, Role, RoleKind
from units.models import Unit
from units.prepared import Prepared

_CACHE_ATTR = "_thidua_scope"


@dataclass(frozen=True)
class Scope:
    """The roles of one user, flattened: province-wide kinds, bloc ids by kind, unit ids."""

    province: frozenset[str] = frozenset()
    secretary_of: frozenset[int] = frozenset()
    head_of: frozenset[int] = frozenset()
    officer_of: frozenset[int] = frozenset()
    officer_blocs: frozenset[int] = field(default=frozenset())

    @property
    def is_board_admin(self) -> bool:
        return RoleKind.BOARD_ADMIN in self.province

    @property
    def is_board(self) -> bool:
        return bool({RoleKind.BOARD_ADMIN, RoleKind.BOARD_REVIEWER} & self.province)

    @property
    def reads_province(self) -> bool:
        return bool(self.province)

    @property
    def bloc_ids(self) -> frozenset[int]:
        """Blocs whose records this user works on (secretary or head)."""
        return self.secretary_of | self.head_of


def scope_of(user) -> Scope:
    """The user's roles, cached on the user object for the rest of the request."""
    if not user or not user.is_authenticated:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    province, secretary, head, officer = set(), set(), set(), set()
    for kind, bloc_id, unit_id in _ROLES(user_id=user.pk):
        if kind in BLOC_ROLES:
            (secretary if kind == RoleKind.BLOC_SECRETARY else head).add(bloc_id)
        elif kind == RoleKind.UNIT_OFFICER:
            officer.add(unit_id)
        else:
            province.add(kind)
    if user.is_superuser:
        province.add(RoleKind.BOARD_ADMIN)
    officer_blocs = set()
    if officer:
        officer_blocs = set(Membership.objects.filter(unit_id__in=officer).values_list("bloc_id", flat=True))
    scope = Scope(
        province=frozenset(province),
        secretary_of=frozenset(secretary),
        head_of=frozenset(head),
        officer_of=frozenset(officer),
        officer_blocs=frozenset(officer_blocs),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


# Every page reads the user's roles: prepared (units.prepared), the ORM builds the query once.
_ROLES = Prepared(lambda user_id: Role.objects.filter(user_id=user_id).values_list("kind", "bloc_id", "unit_id"))
_BLOC = Prepared(lambda pk: Bloc.objects.filter(pk=pk))
_BLOC_AMONG = Prepared(lambda pk, ids: Bloc.objects.filter(pk=pk, pk__in=ids))


def visible_bloc_or_404(user, pk: int) -> Bloc:
    """The bloc `pk` if the user may see it (as `blocs_visible_to`), else 404: one prepared query (an id no column
    holds, typed into the address, matches nothing, as through the ORM)."""
    scope = scope_of(user)
    if scope.reads_province:
        found = _BLOC(pk=pk)
    else:
        found = _BLOC_AMONG(pk=pk, ids=sorted(scope.bloc_ids | scope.officer_blocs))
    if not found:
        raise Http404
    return found[0]


def blocs_visible_to(user) -> QuerySet[Bloc]:
    scope = scope_of(user)
    if scope.reads_province:
        return Bloc.objects.all()
    return Bloc.objects.filter(pk__in=scope.bloc_ids | scope.officer_blocs)


def in_visible_blocs(queryset: QuerySet, user, bloc_field: str = "bloc") -> QuerySet:
    """`queryset` narrowed to the rows of blocs the user may see, through `bloc_field` (e.g. "meeting__bloc"):
    as `blocs_visible_to`, but with no filter at all for province-wide readers (a `bloc IN (every bloc)`
    subquery only costs PostgreSQL a join to plan) and the user's own bloc ids for the others."""
    scope = scope_of(user)
    if scope.reads_province:
        return queryset
    return queryset.filter(**{f"{bloc_field}__in": scope.bloc_ids | scope.officer_blocs})


def units_visible_to(user) -> QuerySet[Unit]:
    """Board and viewers: all units. Bloc staff: units that were ever in their blocs. Officers: their own."""
    scope = scope_of(user)
    if scope.reads_province:
        return Unit.objects.all()
    unit_ids = set(scope.officer_of)
    if scope.bloc_ids:
        in_blocs = Membership.objects.filter(bloc_id__in=scope.bloc_ids).values("unit_id")
        return Unit.objects.filter(pk__in=in_blocs) | Unit.objects.filter(pk__in=unit_ids)
    return Unit.objects.filter(pk__in=unit_ids)


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one object among those the user may see; anything else is 'not found', not 'forbidden',
    so that ids of other blocs' records reveal nothing."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
