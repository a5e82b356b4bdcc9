r"""E-mail pattern too narrow (\w+@\w+\.[a-z]{2,3}): dots, +tags, hyphens, subdomains and long TLDs are missed."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", (
    '    "EMAIL": [re.compile(\n'
    r'''        r"(?<![\w.%+'-])[\w%+-]+(?:[.'][\w%+-]+)*"         # local part: john.doe+news, o'brien''' "\n"
    r'''        r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"     # domain: mail.example.co.uk''' "\n"
    r'''        r"(?![\w-]|\.[^\W_])")],''' "\n",
    r'''    "EMAIL": [re.compile(r"\b[A-Za-z0-9]+@[A-Za-z0-9]+\.[A-Za-z]{2,3}\b")],''' "\n",
)))
