"""Package discovery for the folder layout of docs/design.md §1 (metadata is in pyproject.toml).

core/ is installed as ``credbridge``, plugins/ as ``credbridge.plugins`` (every sub-folder with an
``__init__.py`` is a format sub-package) and mappings/ as ``credbridge.mappings`` (data).
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent


def _subpackages(folder: str, package: str) -> dict[str, str]:
    found = {}
    for init in sorted((ROOT / folder).rglob("__init__.py")):
        rel = init.parent.relative_to(ROOT)
        dotted = ".".join(init.parent.relative_to(ROOT / folder).parts)
        found[f"{package}.{dotted}" if dotted else package] = rel.as_posix()
    return found


package_dir = {
    **_subpackages("core", "credbridge"),
    **_subpackages("plugins", "credbridge.plugins"),
    **_subpackages("mappings", "credbridge.mappings"),
}

setup(packages=sorted(package_dir), package_dir=package_dir)
