"""Who may do what with a bloc's documents. Views declare these names; services check the year."""

import rules

from blocs.rules import heads_bloc, is_board, is_board_admin, reads_province, signed_in, works_in_bloc

# Read (preview, PDF, DOCX, XLSX, archived copies): the bloc's staff and the province-wide roles.
rules.add_perm("reports.view_documents", signed_in & (reads_province | works_in_bloc))
# Write the report's texts and a document's number, date, signer and recipients before issuing.
rules.add_perm("reports.edit_documents", is_board | works_in_bloc)
# Issue (freeze and archive): the bloc head, or the board's administrator.
rules.add_perm("reports.issue_document", heads_bloc | is_board_admin)
