"""Ship the top-level ``templates/`` folder inside the package as ``paniers/templates``."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["paniers*", "producers*", "canteens*", "routing*"]),
              "paniers.templates"],
    package_dir={"paniers.templates": "templates"},
    package_data={"paniers.templates": ["*.html", "**/*.html", "**/*.txt"]},
)
