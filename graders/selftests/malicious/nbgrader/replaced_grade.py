"""The notebook's imports cell: it replaces the kit's grading function, and the harness
fakes a score of 99 in every graded cell's output (class 7: grading never happens in the
student's kernel, and a cell's output is not its score)."""
import kit.notebook

kit.notebook.grade = lambda *args, **kwargs: 99.0
