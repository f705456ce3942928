"""The one part of the package layout pyproject.toml cannot declare: the top-level templates/ folder ships
inside the package as `workflow.templates`, so Adaptdesk installed from a wheel (no checkout) finds its
pages. Everything else about the package is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

#: templates/ and its folders, as packages of data files (pyproject.toml names the files).
TEMPLATES = [
    "workflow.templates",
    *(f"workflow.templates.{name}" for name in find_namespace_packages("templates")),
]

setup(
    packages=[
        *find_namespace_packages(include=["workflow*", "workers*"], exclude=["*.__pycache__"]),
        *TEMPLATES,
    ],
    package_dir={"workflow.templates": "templates"},
)
