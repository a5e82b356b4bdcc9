"""Hidden graders for lemmatization."""

import pytest

from kit import lexicon
from kit.checks import expect_equal, expect_raises, expect_str_list, expect_type
from kit.remote import inspect_call

# --------------------------------------------------------------------------- agreement with lemminflect

#: Common inflected words, by part of speech (420 (word, pos) pairs). How the list was made:
#: the whole-word tokens ([a-z]{2,}) of the BERT uncased WordPiece vocabulary (the kit's
#: pretrained model's vocab.txt, roughly in frequency order), keeping, in vocabulary order, the
#: first 150 nouns, 150 verbs, 80 adjectives and 40 adverbs whose lemminflect lemma for that part
#: of speech differs from the word. The expected lemmas are not stored: they come from
#: lemminflect at test time.
AGREEMENT_WORDS = {
    "n": """
        years eyes states men women times children members hands games days things students
        others does feet works services arms words records miles points months forces areas
        songs teams minutes books friends schools events features arts hours media players
        studies rights families vocals groups lips awards sports systems parents countries parts
        girls shows makes fingers buildings weeks operations takes films tracks places units
        lines runs championships plays lives goals issues companies artists boys stars terms
        names brothers changes stories activities programs legs results islands problems plans
        characters matches looks houses rules soldiers cases wales uses forms numbers metres
        trees troops goes individuals windows cities lies workers walls products seasons
        stations kilometres ships leaves officers nations cars males conditions elements needs
        levels females affairs seconds races drums elections singles effects residents sides
        households appearances ones projects notes champions ways questions tears mountains
        albums shoulders efforts steps teeth offers pieces sons types facilities
    """,
    "v": """
        was is had were are has been would said could made did being used known born united
        became eyes states including took called found won going left following released played
        began held came based thought looked went located got building named started should
        built moved times died knew asked turned wanted received served felt having saw hands
        games published told led according gave making lost opened included given might seen
        using married worked continued established returned does written living produced working
        looking am works services taken created reached joined done appeared ground arms words
        announced wrote followed founded taking records considered described playing heard
        trying recorded points tried elected closed brought formed doing killed training needed
        finished sent ran coming forces says developed pulled stood running signed met teams
        minutes decided seemed added appointed books remained schools features sold directed
        performed placed leading designed getting changed gone studies shot rights
    """,
    "a": """
        more most later best number better least lower largest longer higher earlier older
        highest larger closer greater smaller younger oldest greatest worse biggest worst faster
        earliest easier harder elder stronger longest youngest latest deeper bigger nearest
        wider lowest eldest closest shorter fastest stranger fewer farther lighter darker finest
        strongest smallest newer louder heavier taller tighter broader slower fuller tanner
        safer tallest newest cooler weaker slightest brighter cheaper simpler warmer deepest
        hardest richest wilder softer quicker happier thicker shortest cleaner nearer
    """,
    "r": """
        more most best better least further lower longer higher earlier highest closer smaller
        worse worst faster earliest easier harder longest deeper nearest wider lowest closest
        fastest farther lighter sooner smallest louder heavier tighter slower fuller deepest
        hardest quicker thicker cleaner
    """,
}
UPOS = {"n": "NOUN", "v": "VERB", "a": "ADJ", "r": "ADV"}
#: Required agreement. The reference reaches 100 % (420/420); the lemmatizer without the
#: exception table reaches 71 %, suffix rules alone (no lexicon, no exceptions) about 57 %.
REQUIRED_AGREEMENT = 0.90


def _lemminflect_lemma(word, pos):
    from lemminflect import getAllLemmas

    return getAllLemmas(word, UPOS[pos])[UPOS[pos]][0]


@pytest.mark.points(4)
def test_agrees_with_lemminflect_on_common_inflected_words(impl):
    pairs = [(w, pos) for pos, text in AGREEMENT_WORDS.items() for w in text.split()]
    assert len(pairs) == 420
    agree = {pos: 0 for pos in UPOS}
    for word, pos in pairs:
        if impl.lemmatize(word, pos) == _lemminflect_lemma(word, pos):
            agree[pos] += 1
    rate = sum(agree.values()) / len(pairs)
    per_pos = ", ".join(f"{pos}: {agree[pos]}/{sum(1 for _, p in pairs if p == pos)}" for pos in UPOS)
    assert rate >= REQUIRED_AGREEMENT, (
        f"your lemmas agree with lemminflect on {rate:.1%} of {len(pairs)} common inflected words "
        f"({per_pos}); at least {REQUIRED_AGREEMENT:.0%} is required -- do you use the exception "
        f"table first, and check every rule's result against known_lemmas(pos)?")


# --------------------------------------------------------------------------- cases

CASES = [
    # (word, pos, lemma, label, hint)
    ("talking", "v", "talk", "course: talking", "('ing', 'e') gives 'talke', not a verb; ('ing', '') gives 'talk'"),
    ("talked", "v", "talk", "course: talked", "('ed', 'e') gives 'talke', not a verb; ('ed', '') gives 'talk'"),
    ("talk", "v", "talk", "course: talk", "a known lemma is returned as it is"),
    ("talks", "v", "talk", "talks", None),
    ("buses", "n", "bus", "buses", "('s', '') gives 'buse', which is not a noun: try the next rule"),
    ("bus", "n", "bus", "bus stays bus", "check whether the word is itself a known lemma before the rules"),
    ("gas", "n", "gas", "gas stays gas", "check whether the word is itself a known lemma before the rules"),
    ("boxes", "n", "box", "boxes", None),
    ("churches", "n", "church", "churches", None),
    ("wolves", "n", "wolf", "wolves", None),
    ("cities", "n", "city", "cities", None),
    ("women", "n", "woman", "women", None),
    ("glasses", "n", "glass", "glasses", None),
    ("ran", "v", "run", "ran", "irregular forms come from exceptions(pos)"),
    ("went", "v", "go", "went", "irregular forms come from exceptions(pos)"),
    ("was", "v", "be", "was", "irregular forms come from exceptions(pos)"),
    ("mice", "n", "mouse", "mice", "irregular forms come from exceptions(pos)"),
    ("children", "n", "child", "children", "irregular forms come from exceptions(pos)"),
    ("teeth", "n", "tooth", "teeth", "irregular forms come from exceptions(pos)"),
    ("better", "a", "good", "better (adjective)", "irregular forms come from exceptions(pos)"),
    ("worst", "a", "bad", "worst (adjective)", "irregular forms come from exceptions(pos)"),
    ("faster", "r", "fast", "faster (adverb)", "adverbs have no rules: their forms are all exceptions"),
    ("stopped", "v", "stop", "stopped", "a doubled consonant: suffix rules give 'stopp'"),
    ("running", "v", "run", "running", "a doubled consonant: suffix rules give 'runn'"),
    ("planned", "v", "plan", "planned", "a doubled consonant"),
    ("bigger", "a", "big", "bigger", "a doubled consonant: suffix rules give 'bigg'"),
    ("studied", "v", "study", "studied", "y -> i: suffix rules give 'studi' or 'studie'"),
    ("happier", "a", "happy", "happier", "y -> i"),
    ("making", "v", "make", "making", "('ing', 'e') comes before ('ing', '')"),
    ("hoped", "v", "hope", "hoped", None),
    ("hopped", "v", "hop", "hopped", None),
    ("larger", "a", "large", "larger", None),
    ("found", "v", "find", "found (verb)", "the exception table comes before the known-lemma check"),
    ("saw", "v", "see", "saw (verb)", "the exception table comes before the known-lemma check"),
    ("Running", "v", "run", "capitalised", "lower-case the word first"),
    ("MICE", "n", "mouse", "upper case", "lower-case the word first"),
    ("Cats", "n", "cat", "capitalised plural", "lower-case the word first"),
    ("blorfed", "v", "blorfed", "unknown word", "an unknown word comes back unchanged: never accept a "
                                                "candidate that is not a known lemma"),
    ("Qwertying", "v", "qwertying", "unknown capitalised word", "unknown words come back lower-cased"),
    (".", "n", ".", "punctuation", None),
    ("", "n", "", "empty string", None),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("word,pos,lemma,label,hint", CASES, ids=[c[3] for c in CASES])
def test_lemmatize_cases(impl, word, pos, lemma, label, hint):
    expect_equal(impl.lemmatize(word, pos), lemma, f"lemmatize({word!r}, {pos!r}) [{label}]", hint=hint)


POS_MATTERS = [
    ("saw", {"n": "saw", "v": "see"}),
    ("better", {"n": "better", "a": "good", "r": "well"}),
    ("meeting", {"n": "meeting", "v": "meet"}),
    ("left", {"v": "leave", "a": "left"}),
    ("talking", {"n": "talking", "v": "talk"}),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("word,by_pos", POS_MATTERS, ids=[p[0] for p in POS_MATTERS])
def test_part_of_speech_matters(impl, word, by_pos):
    got = {pos: impl.lemmatize(word, pos) for pos in by_pos}
    expect_equal(got, by_pos, f"lemmatize({word!r}, pos) for each pos",
                 hint="use the exception table, lexicon and rules of the given part of speech only")


@pytest.mark.points(1)
def test_default_pos_is_noun(impl):
    expect_equal(impl.lemmatize("leaves"), impl.lemmatize("leaves", "n"), "lemmatize('leaves')",
                 hint="pos defaults to 'n'")
    expect_equal(impl.lemmatize("ran"), "ran", "lemmatize('ran') (a noun)",
                 hint="'ran' is not a noun form: with pos 'n' it is unknown")


@pytest.mark.points(1)
def test_results_are_known_lemmas_or_the_word(impl):
    words = ["houses", "dishes", "knives", "ladies", "geese", "ties", "studies", "axes", "lies", "dying"]
    for pos in ("n", "v"):
        lemmas = lexicon.known_lemmas(pos)
        for w in words:
            got = impl.lemmatize(w, pos)
            assert got in lemmas or got == w, (
                f"lemmatize({w!r}, {pos!r}) gave {got!r}, which is neither a known lemma for {pos!r} "
                f"nor the word itself -- accept a rule's result only if known_lemmas(pos) has it")


# --------------------------------------------------------------------------- lemmatize_tokens


@pytest.mark.points(1)
def test_lemmatize_tokens_with_tags(impl):
    tokens = ["The", "children", "talked", "and", "ran", "faster", "than", "the", "bigger", "buses", "."]
    tags = ["n", "n", "v", "n", "v", "r", "n", "n", "a", "n", "n"]
    got = impl.lemmatize_tokens(list(tokens), list(tags))
    expect_str_list(got, "lemmatize_tokens(tokens, tags)")
    expect_equal(got, ["the", "child", "talk", "and", "run", "fast", "than", "the", "big", "bus", "."],
                 "lemmatize_tokens(tokens, tags)", hint="token i uses tag i")


@pytest.mark.points(1)
def test_lemmatize_tokens_defaults_to_nouns(impl):
    got = impl.lemmatize_tokens(["Mice", "ran", "buses", "talking"])
    expect_equal(got, ["mouse", "ran", "bus", "talking"], "lemmatize_tokens(tokens)",
                 hint="pos_tags=None means every token is a noun")


@pytest.mark.points(1)
def test_lemmatize_tokens_empty_and_input_unchanged(impl):
    expect_equal(impl.lemmatize_tokens([]), [], "lemmatize_tokens([])")
    tokens, tags = ["Mice", "ran"], ["n", "v"]
    _, changed = inspect_call(impl.lemmatize_tokens, tokens, tags)
    assert not changed, "lemmatize_tokens changed its arguments"


# --------------------------------------------------------------------------- errors


@pytest.mark.points(1)
@pytest.mark.parametrize("pos", ["x", "N", "noun", "", None, "nv"], ids=["x", "N", "noun", "empty", "None", "nv"])
def test_bad_pos_is_a_value_error(impl, pos):
    with expect_raises(ValueError, f"lemmatize('cats', {pos!r})", arg="pos"):
        impl.lemmatize("cats", pos)


@pytest.mark.points(1)
@pytest.mark.parametrize("word", [None, 3, ["cats"], b"cats"], ids=["None", "int", "list", "bytes"])
def test_non_string_word_is_a_type_error(impl, word):
    with expect_raises(TypeError, f"lemmatize({word!r})"):
        impl.lemmatize(word)


@pytest.mark.points(1)
def test_lemmatize_tokens_length_mismatch(impl):
    with expect_raises(ValueError, "lemmatize_tokens(3 tokens, 2 tags)", arg=("pos_tags", "tokens")):
        impl.lemmatize_tokens(["a", "b", "c"], ["n", "v"])


@pytest.mark.points(1)
def test_lemmatize_tokens_bad_tag(impl):
    with expect_raises(ValueError, "lemmatize_tokens(tokens, ['n', 'verb'])", arg=("pos_tags", "pos")):
        impl.lemmatize_tokens(["cats", "ran"], ["n", "verb"])


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,tags", [("mice ran", None), (["mice", 3], None), (["mice"], "n")],
                         ids=["tokens is a str", "a token is an int", "pos_tags is a str"])
def test_lemmatize_tokens_type_errors(impl, tokens, tags):
    with expect_raises(TypeError, f"lemmatize_tokens({tokens!r}, {tags!r})"):
        impl.lemmatize_tokens(tokens, tags)


# --------------------------------------------------------------------------- lemmas and stems
# Graded against NLTK itself: the same stemmers, on the 420 agreement words.


def _nltk_stems(words, stemmer):
    from nltk.stem import PorterStemmer, SnowballStemmer

    stem = (PorterStemmer() if stemmer == "porter" else SnowballStemmer("english")).stem
    return [stem(word) for word in words]


@pytest.mark.points(1)
@pytest.mark.parametrize("stemmer", ["porter", "snowball"])
def test_stems_are_nltk_stems(impl, stemmer):
    words = [w for text in AGREEMENT_WORDS.values() for w in text.split()]
    tags = [pos for pos, text in AGREEMENT_WORDS.items() for _ in text.split()]
    got = impl.lemmas_and_stems(words, tags, stemmer=stemmer)
    expect_type(got, list, f"lemmas_and_stems(420 words, stemmer={stemmer!r})")
    expect_equal([item[1] if isinstance(item, tuple) and len(item) == 3 else item for item in got],
                 _nltk_stems(words, stemmer),
                 f"the stems of lemmas_and_stems(420 common inflected words, stemmer={stemmer!r})",
                 hint="stem each token itself (not its lemma) with "
                      + ("nltk.stem.PorterStemmer()" if stemmer == "porter"
                         else 'nltk.stem.SnowballStemmer("english")') + ", default settings")


@pytest.mark.points(2)
def test_lemmas_and_stems_whole_triples(impl):
    words = [w for text in AGREEMENT_WORDS.values() for w in text.split()]
    tags = [pos for pos, text in AGREEMENT_WORDS.items() for _ in text.split()]
    stems = _nltk_stems(words, "porter")
    lemmas = [impl.lemmatize(w, pos) for w, pos in zip(words, tags)]
    expected = [(lemma, stem, stem in lexicon.known_lemmas(pos))
                for lemma, stem, pos in zip(lemmas, stems, tags)]
    expect_equal(impl.lemmas_and_stems(words, tags), expected,
                 "lemmas_and_stems(420 common inflected words, their tags)",
                 hint="one (lemma, stem, stem_is_a_word) tuple per token: your lemmatize(token, tag), "
                      "the Porter stem of the token, and whether that stem is in "
                      "known_lemmas(tag) -- the token's own part of speech")


@pytest.mark.points(1)
def test_lemmas_and_stems_defaults_to_nouns(impl):
    got = impl.lemmas_and_stems(["Studies", "ponies"])
    stems = _nltk_stems(["Studies", "ponies"], "porter")
    expect_equal(got, [("study", stems[0], stems[0] in lexicon.known_lemmas("n")),
                       ("pony", stems[1], stems[1] in lexicon.known_lemmas("n"))],
                 "lemmas_and_stems(['Studies', 'ponies'])",
                 hint="without pos_tags every token is a noun, as in lemmatize_tokens")


@pytest.mark.points(1)
@pytest.mark.parametrize("stemmer", ["lancaster", "Porter", None])
def test_lemmas_and_stems_bad_stemmer(impl, stemmer):
    with expect_raises(ValueError, f"lemmas_and_stems(['cats'], stemmer={stemmer!r})",
                       arg="stemmer"):
        impl.lemmas_and_stems(["cats"], stemmer=stemmer)


@pytest.mark.points(1)
def test_lemmas_and_stems_checks_its_tokens(impl):
    with expect_raises(ValueError, "lemmas_and_stems(3 tokens, 2 tags)", arg=("pos_tags", "tokens")):
        impl.lemmas_and_stems(["a", "b", "c"], ["n", "v"])
    with expect_raises(TypeError, "lemmas_and_stems('mice ran')"):
        impl.lemmas_and_stems("mice ran")
