"""Tests of the awards app, and the nomination the access table (tests/test_access.py) works on."""

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def nomination_world(world) -> dict:
    """A draft nomination of unit_a3 (bloc A, 2025) for the provincial certificate, with one PDF file.

    MEDIA_ROOT must already point at a temporary folder.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.models import DossierFile, Nomination
    from tests.factories import UserFactory
    from units.models import AwardType

    author = UserFactory(username="nominator")
    nomination = Nomination.objects.create(
        bloc=world["bloc_a"],
        year=2025,
        unit=world["unit_a3"],
        award_type=AwardType.objects.get(code="bk-chu-tich-tinh"),
        created_by=author,
    )
    dossier = DossierFile(
        nomination=nomination, kind="report", name="Báo cáo thành tích.pdf", content_type="application/pdf",
        size=len(PDF), uploaded_by=author,
    )  # fmt: skip
    dossier.file.save("bao-cao.pdf", SimpleUploadedFile("bao-cao.pdf", PDF), save=True)
    return {"nomination": nomination, "dossier": dossier}
