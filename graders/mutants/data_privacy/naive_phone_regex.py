"""A loose phone pattern (any 7+ digits with separators): dates, ISBNs and order numbers become phones."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", (
    r'''        re.compile(r"(?<![\w+])\+[0-9]{8,15}" + _END),''' "\n",
    r'''        re.compile(r"(?<![\w+])\+[0-9]{8,15}" + _END),''' "\n"
    r'''        re.compile(r"(?<!\w)\+?\d[\d ().-]{5,}\d(?!\w)"),''' "\n",
)))
