"""Object permissions, as `rules` predicates. Views declare these names in `permission_required`."""

import rules

from blocs.access import scope_of


@rules.predicate
def is_board(user) -> bool:
    return scope_of(user).is_board


@rules.predicate
def is_board_admin(user) -> bool:
    return scope_of(user).is_board_admin


@rules.predicate
def reads_province(user) -> bool:
    return scope_of(user).reads_province


@rules.predicate
def works_in_bloc(user, bloc) -> bool:
    return bloc is not None and bloc.pk in scope_of(user).bloc_ids


@rules.predicate
def officer_in_bloc(user, bloc) -> bool:
    return bloc is not None and bloc.pk in scope_of(user).officer_blocs


@rules.predicate
def is_unit_officer(user, unit) -> bool:
    return unit is not None and unit.pk in scope_of(user).officer_of


@rules.predicate
def unit_in_users_blocs(user, unit) -> bool:
    scope = scope_of(user)
    if unit is None or not scope.bloc_ids:
        return False
    from blocs.models import Membership

    return Membership.objects.filter(unit=unit, bloc_id__in=scope.bloc_ids).exists()


@rules.predicate
def heads_bloc(user, bloc) -> bool:
    return bloc is not None and bloc.pk in scope_of(user).head_of


@rules.predicate
def scores_unit_self(user, unit) -> bool:
    """A unit officer gives their own unit's self score; bloc staff may enter it for any member."""
    return is_unit_officer(user, unit) or unit_in_users_blocs(user, unit)


signed_in = rules.is_authenticated

# Registry: blocs and units.
rules.add_perm("blocs.view_bloc", signed_in & (reads_province | works_in_bloc | officer_in_bloc))
rules.add_perm("blocs.add_bloc", is_board)
rules.add_perm("blocs.change_bloc", is_board)
rules.add_perm("blocs.change_membership", is_board)
rules.add_perm("blocs.export_registry", signed_in & reads_province)
# The province-wide activity log (blocs/views/activity.py): the board and the province viewers.
rules.add_perm("blocs.view_activity", signed_in & reads_province)
rules.add_perm("blocs.import_registry", is_board)
rules.add_perm("units.view_unit", signed_in & (reads_province | is_unit_officer | unit_in_users_blocs))
rules.add_perm("units.add_unit", is_board)
rules.add_perm("units.change_unit", is_board)

# The year's records of a bloc (pledge, registrations, scoring table, assessed scores, ratings).
# Whether the year is still open is checked separately, on every write (blocs.services_year).
rules.add_perm("blocs.edit_records", is_board | works_in_bloc)
rules.add_perm("blocs.close_year", is_board | heads_bloc)
rules.add_perm("blocs.reopen_year", is_board)
# Per unit: its self score and its title registrations (the officer of the unit, or bloc staff).
rules.add_perm("units.self_score", is_board | scores_unit_self)
rules.add_perm("units.register_titles", is_board | scores_unit_self)

# Rule sets: every signed-in user reads the rules that apply to them; the board edits them.
rules.add_perm("blocs.view_ruleset", signed_in)
rules.add_perm("blocs.change_ruleset", is_board)

# People.
rules.add_perm("accounts.manage_users", is_board_admin)
