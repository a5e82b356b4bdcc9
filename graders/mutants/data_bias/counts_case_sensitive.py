"""Counts only lower-case pronouns: "He" at the start of a sentence is missed."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_bias", (
    "_PRONOUN = re.compile(r\"\\b(?:\" + \"|\".join(sorted(MALE_PRONOUNS | FEMALE_PRONOUNS)) + r\")\\b\",\n"
    "                      re.IGNORECASE)\n",
    "_PRONOUN = re.compile(r\"\\b(?:\" + \"|\".join(sorted(MALE_PRONOUNS | FEMALE_PRONOUNS)) + r\")\\b\")\n",
)))
