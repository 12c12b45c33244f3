"""The official format's measures (Nghị định 30/2020/NĐ-CP, Appendix I), for the DOCX writer.

static/css/print.css states the same measures for the HTML preview and the PDF;
tests/reports/test_format.py reads both and fails if they drift apart.
"""

# A4 portrait, margins in millimetres.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15

FONT = "Times New Roman"  # Liberation Serif is metric-compatible and is what the PDF embeds

# Sizes in points.
BODY_PT = 14
HEADER_PT = 13  # parent and issuing body, national name, "Số:"
MOTTO_PT = 14
TITLE_PT = 14
TABLE_PT = 12
NOTE_PT = 12
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
PAGE_NUMBER_PT = 13

FIRST_LINE_INDENT_CM = 1.0
PARAGRAPH_SPACING_PT = 6
LINE_SPACING = 1.15

HEADER_LEFT_SHARE = 0.42  # the issuing body's column, of the text width
RECIPIENTS_SHARE = 0.45  # recipients' column beside the signature
SIGNATURE_SPACE_PT = 70  # room for the hand signature and seal
