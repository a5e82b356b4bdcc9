"""The harness replaces this file by the reference tokenization.py and plants conftest.py
files in the submission, in its parent and in a tests/ subfolder that would write
PWNED-conftest-<pid> into the repository if the trusted pytest ever imported them
(class 1: student files never reach the trusted process)."""
