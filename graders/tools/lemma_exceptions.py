"""Build ``kit/data/lemma_exceptions.tsv``: the irregular forms of the lemma lexicon.

Instructor-only (it applies the suffix rules, i.e. part of the lemmatization
exercise's answer, so it must not ship in ``kit/``). The table holds exactly the
inflected forms of lemminflect's table whose lemma the lexicon-checked suffix
rules (``kit.lexicon.SUFFIX_RULES``) do not give -- so "exceptions first, then the
word if it is a known lemma, then the first rule whose result is a known lemma"
reproduces lemminflect's first lemma for every form.

    python -m graders.tools.lemma_exceptions          # rewrite the data file

``graders/selftests/test_lexicon_data.py`` checks the file is up to date.
"""

from __future__ import annotations

from kit import lexicon
from kit.loader import REPO_ROOT

DATA_FILE = REPO_ROOT / "kit" / "data" / "lemma_exceptions.tsv"


def _by_rules(word: str, pos: str, lemmas: frozenset[str]) -> str:
    if word in lemmas:
        return word
    for suffix, replacement in lexicon.SUFFIX_RULES[pos]:
        if word.endswith(suffix):
            candidate = word[: len(word) - len(suffix)] + replacement
            if candidate in lemmas:
                return candidate
    return word


def compute() -> list[tuple[str, str, str]]:
    rows = []
    for pos in lexicon.POS_TAGS:
        lemmas = lexicon.known_lemmas(pos)
        for form, lemma in sorted(lexicon._forms()[pos].items()):
            if lemma != form and _by_rules(form, pos, lemmas) != lemma:
                rows.append((pos, form, lemma))
    return rows


def render(rows: list[tuple[str, str, str]]) -> str:
    header = ("# Irregular forms for kit.lexicon.exceptions(): pos<TAB>form<TAB>lemma.\n"
              "# Generated from lemminflect's lemma table by graders/tools/lemma_exceptions.py;\n"
              "# do not edit by hand.\n")
    return header + "".join(f"{p}\t{f}\t{l}\n" for p, f, l in rows)


def main() -> None:
    rows = compute()
    DATA_FILE.write_text(render(rows), encoding="utf-8")
    print(f"wrote {DATA_FILE} ({len(rows)} forms)")


if __name__ == "__main__":
    main()
