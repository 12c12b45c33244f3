import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from units.text import clean_text, search_key, sort_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Sở Tài chính", "so tai chinh"),
        ("Đắk Nông", "dak nong"),
        ("ĐẮK  NÔNG ", "dak nong"),
        ("Văn phòng Đoàn ĐBQH & HĐND tỉnh", "van phong doan dbqh & hdnd tinh"),
        (unicodedata.normalize("NFD", "Thừa Thiên Huế"), "thua thien hue"),
    ],
)
def test_search_key_drops_diacritics_and_case(text, key):
    assert search_key(text) == key


def test_vietnamese_alphabetical_order():
    words = ["Ưu", "Uông", "Đắk Nông", "Dân tộc", "Ơn", "Ôm", "Oa", "Ăn", "Âm", "An", "Anh", "An Giang", "Bà", "Ba"]
    assert sorted(words, key=sort_key) == [
        "An", "An Giang", "Anh", "Ăn", "Âm", "Ba", "Bà", "Dân tộc", "Đắk Nông", "Oa", "Ôm", "Ơn", "Uông", "Ưu",
    ]  # fmt: skip


def test_tones_order_ngang_huyen_hoi_nga_sac_nang():
    assert sorted(["má", "mạ", "mã", "mà", "ma", "mả"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_clean_text_composes_and_folds_spaces():
    decomposed = unicodedata.normalize("NFD", "  Sở   Tư pháp ")
    assert decomposed != "Sở Tư pháp"
    assert clean_text(decomposed) == "Sở Tư pháp"


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹìíỉĩịòóỏõọờớởỡợùúủũụừứửữựỳýỷỹỵ ĐƯƠ"))
def test_sort_key_is_hex_and_independent_of_normal_form(text):
    key = sort_key(text)
    assert set(key) <= set("0123456789abcdef")
    assert key == sort_key(unicodedata.normalize("NFD", text))
    assert search_key(text) == search_key(unicodedata.normalize("NFD", text))
