"""Build hook: ship the repository's top-level models/ and corpus/ inside the package.

The design card keeps models/ and corpus/ at the top of the repository; the toolkit reads
them as package data (extractor/resources.py), so the wheel installs them as the packages
``extractor._models`` and ``extractor._corpus``. setuptools' ``package_dir`` does that
mapping for a wheel (files copied) and an editable install (an import hook pointing at the
repository's folders) alike. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

DATA_PACKAGES = {"extractor._models": "models", "extractor._corpus": "corpus"}

setup(
    packages=[*find_packages(include=["extractor", "extractor.*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
    package_data={
        "extractor._models": ["**/*"],
        "extractor._corpus": ["**/*"],
        "extractor.nlp": ["data/ade_sentence/*", "data/problem_role/*"],
        "extractor.report": ["static/*.css", "static/*.js"],
    },
    exclude_package_data={"": ["__pycache__/*", "*.pyc"]},
    # only the package data listed above (no SCM or MANIFEST.in discovery): quiet and exact
    include_package_data=False,
)
