"""``python -m graders nbgrader OUT_DIR``: an nbgrader course built from the kit's sources.

One unit per step, in the order :data:`course.STEPS` declares:

1. :mod:`.collect` -- the hidden test functions of each exercise, with their points;
2. :mod:`.surgery` -- a stub and its reference cut into the code of the cells;
3. :mod:`.notebook` -- the cells as an nbgrader notebook (``nbformat``): solution
   regions, locked autograder cells that hold no test code;
4. :mod:`.course` -- the course folder: configuration, notebooks, public tests.

Grading: :mod:`.preprocessor` (``KitAutograde``) takes nbgrader's ``Execute`` step:
a submitted notebook never runs in a kernel; its code cells become the exercise
module, which the kit's sandboxed engine (``python -m graders grade``) grades.
"""

from .collect import GraderTest, collect_grader_tests
from .course import available_exercises, build_course
from .errors import CourseError
from .notebook import assignment_of, build_notebook, markdown
from .surgery import rewrite_relative_imports

__all__ = ["CourseError", "GraderTest", "assignment_of", "available_exercises", "build_course",
           "build_notebook", "collect_grader_tests", "markdown", "rewrite_relative_imports"]
