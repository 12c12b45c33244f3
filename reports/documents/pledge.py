"""The emulation pledge (Bản giao ước thi đua năm N) with a signature table for every member unit.

What it holds (DOCUMENTS.md): the articles of content, the targets, and a row per member unit for
its signature — the signer recorded on the pledge page, else the unit's leader.
"""

from blocs.models import Bloc
from meetings.services_meetings import date_words
from reports.documents import records
from reports.documents.base import DocumentUnavailable


def build(*, bloc: Bloc, year: int) -> dict:
    member_rows = records.members(bloc, year)
    facts = records.pledge_facts(bloc, year, member_rows)
    if facts is None:
        raise DocumentUnavailable(f"Năm {year} khối chưa soạn giao ước thi đua (tab «Giao ước»).")
    rule_set = records.rule_set(year)
    signers = []
    for membership in member_rows:
        unit = membership.unit
        signature = facts.signatures.get(unit.pk)
        name = signature.signed_by if signature else unit.leader_name
        title = (signature.signer_title if signature else unit.leader_title) or ""
        signers.append({"unit": unit, "name": name, "title": title, "signed": signature is not None})
    pledge = facts.pledge
    return {
        "title": f"BẢN GIAO ƯỚC THI ĐUA NĂM {year}",
        "subject": bloc.name,
        "bloc": bloc,
        "year": year,
        "pledge": pledge,
        "facts": facts,
        "citations": rule_set.citations() if rule_set else [],
        "rule_set": rule_set,
        "adopted_words": date_words(pledge.adopted_on) if pledge.adopted_on else "",
        "signers": signers,
        "targets_article": len(facts.articles) + 1,
        "proposed_date": pledge.adopted_on,
        "signatures": [],
    }
