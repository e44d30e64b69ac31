"""The default templates, stylesheets and colour profile, installed as the package `healthprint.templates`
(see pyproject.toml): this file makes the folder importable, so `importlib.resources` finds it in a
checkout and in an installed copy alike."""
