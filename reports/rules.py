"""Who may do what with a bloc's documents. Views declare these names; services check the year."""

import rules

from blocs.rules import heads_bloc, is_board, is_board_admin, reads_province, signed_in, works_in_bloc


@rules.predicate
def requested_job(user, job) -> bool:
    return job is not None and job.requested_by_id == user.pk


# Read (preview, PDF, DOCX, XLSX, archived copies): the bloc's staff and the province-wide roles.
rules.add_perm("reports.view_documents", signed_in & (reads_province | works_in_bloc))
# Write the report's texts and a document's number, date, signer and recipients before issuing.
rules.add_perm("reports.edit_documents", is_board | works_in_bloc)
# Issue (freeze and archive): the bloc head, or the board's administrator.
rules.add_perm("reports.issue_document", heads_bloc | is_board_admin)
# Attach an issued minutes, letter or report to the bloc's nominations (awards.services.dossier_add: bloc staff).
rules.add_perm("reports.attach_to_dossier", works_in_bloc)

# The board's long documents rendered in the background: the board starts them; a job is seen and its
# file downloaded by the one who asked and by the board.
rules.add_perm("reports.start_job", is_board)
rules.add_perm("reports.view_job", signed_in & (is_board | requested_job))
