"""Permissions of the awards app, as `rules` predicates (see blocs/rules.py for the predicates)."""

import rules

from blocs.rules import is_board, reads_province

# The board's review queue: every province-wide reader sees it; the board (admin, reviewer) acts on it.
rules.add_perm("awards.view_review_queue", rules.is_authenticated & reads_province)
rules.add_perm("awards.review_nominations", rules.is_authenticated & is_board)
