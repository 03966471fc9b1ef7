"""Which way the imports go (STYLE.md 25, issue 9 §6): the documents app serves
assessments and awards and imports neither (renderers are named by dotted path), and
rendering the decree takes data: awards/pdf.py imports no workflow."""

import ast
from pathlib import Path

from django.conf import settings


def imported_modules(path):
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_documents_app_imports_neither_assessments_nor_awards():
    base = Path(settings.BASE_DIR) / "documents"
    found = {
        f"{path.relative_to(base)}: {name}"
        for path in base.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in {"assessments", "awards"}
    }
    assert found == set()


def test_decree_rendering_imports_no_workflow():
    modules = imported_modules(Path(settings.BASE_DIR) / "awards" / "pdf.py")
    assert not modules & {"awards.issuing", "awards.decree_jobs", "documents.jobs"}
