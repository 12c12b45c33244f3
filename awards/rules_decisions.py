"""Who may read and record award decisions, and read or import the award history (`rules` permissions).

Imported by the decision services and views, so the permissions exist wherever they are asked for.
"""

import rules

from blocs.rules import is_board, is_board_admin, reads_province, signed_in

# Decisions: the board (and the province-wide viewer) read them; the board records them and attaches
# approved nominations.
rules.add_perm("awards.view_decision", signed_in & reads_province)
rules.add_perm("awards.record_decision", is_board)

# The award history of every unit in Excel: read by the province-wide roles, imported by the board admin
# only (it writes the history that eligibility checks of later years read).
rules.add_perm("awards.export_award_history", signed_in & reads_province)
rules.add_perm("awards.import_award_history", is_board_admin)
