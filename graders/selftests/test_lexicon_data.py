"""kit/data/lemma_exceptions.tsv is what graders/tools/lemma_exceptions.py computes today."""

from graders.tools import lemma_exceptions


def test_exception_table_is_up_to_date():
    expected = lemma_exceptions.render(lemma_exceptions.compute())
    assert lemma_exceptions.DATA_FILE.read_text(encoding="utf-8") == expected, (
        "regenerate it: python -m graders.tools.lemma_exceptions")
