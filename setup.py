"""Packaging details that pyproject.toml cannot say: the top-level ``templates/``
folder ships inside the package as ``paniers/templates``, with the data files."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["paniers*", "producers*", "canteens*", "routing*"]),
              "paniers.templates"],
    package_dir={"paniers.templates": "templates"},
    package_data={
        "paniers.templates": ["*.html", "*/*.html", "*/*.txt", "*/*/*.html", "*/*/*.txt"],
        "paniers": ["demo/data/*.csv", "static/*.css", "static/*.js", "static/vendor/*/*", "static/vendor/*/images/*", "migrations/*.mako",
                    "migrations/versions/*.py", "translations/*/LC_MESSAGES/*"],
        "canteens": ["data/*"],
    },
    include_package_data=False,
)
