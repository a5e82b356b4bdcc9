"""Repository-wide pytest set-up: the kit's plugin (options, markers, fixtures, points)."""

pytest_plugins = ["kit.pytest_plugin"]
