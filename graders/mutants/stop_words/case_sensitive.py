"""Case-sensitive match: "The" and "IS" are not recognised as stop words."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("stop_words", (
    "    stop = {s.lower() for s in stop_words}\n"
    "    return [t for t in tokens if t.lower() not in stop]\n",
    "    stop = set(stop_words)\n"
    "    return [t for t in tokens if t not in stop]\n",
)))
