"""Counts pronouns as substrings: the "he" in "the" and the "her" in "there" are counted."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_bias", (
    "        for m in _PRONOUN.finditer(text):\n"
    "            counts[\"male\" if m.group().lower() in MALE_PRONOUNS else \"female\"] += 1\n",
    "        lower = text.lower()\n"
    "        counts[\"male\"] += sum(lower.count(w) for w in (\"he\", \"him\", \"his\"))\n"
    "        counts[\"female\"] += sum(lower.count(w) for w in (\"she\", \"her\"))\n",
)))
