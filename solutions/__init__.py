"""Reference solutions (instructors only; never shipped to students)."""
