"""A minimal PEP 517 build backend (standard library only) for this test plugin.

It builds a pure-Python wheel from ``pyproject.toml``: the ``[project]`` metadata, its entry
points, and the packages listed in ``[tool.example-backend]``. No sdist, no editable installs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _project() -> tuple[dict[str, Any], list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return data["project"], data["tool"]["example-backend"]["packages"]


def _dist_name(project: dict[str, Any]) -> str:
    return re.sub(r"[-_.]+", "_", project["name"]).lower() + "-" + project["version"]


def _metadata(project: dict[str, Any]) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}",
             f"Version: {project['version']}", f"Summary: {project.get('description', '')}",
             f"Requires-Python: {project.get('requires-python', '')}"]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def _entry_points(project: dict[str, Any]) -> str:
    out = []
    for group, items in project.get("entry-points", {}).items():
        out.append(f"[{group}]")
        out += [f"{name} = {target}" for name, target in items.items()]
        out.append("")
    return "\n".join(out)


def _dist_info_files(project: dict[str, Any]) -> dict[str, bytes]:
    info = _dist_name(project) + ".dist-info"
    return {
        f"{info}/METADATA": _metadata(project).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: example-backend\n"
                         b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": _entry_points(project).encode(),
    }


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    """Nothing to install before building."""
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Any = None) -> str:
    """Write the .dist-info folder and return its name."""
    project, _ = _project()
    for name, data in _dist_info_files(project).items():
        path = Path(metadata_directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return _dist_name(project) + ".dist-info"


def build_wheel(wheel_directory: str, config_settings: Any = None,
                metadata_directory: str | None = None) -> str:
    """Build ``<name>-<version>-py3-none-any.whl`` and return its file name."""
    project, packages = _project()
    files: dict[str, bytes] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    files.update(_dist_info_files(project))
    record_name = _dist_name(project) + ".dist-info/RECORD"
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{record_name},,")
    files[record_name] = ("\n".join(record) + "\n").encode()
    wheel_name = _dist_name(project) + "-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / wheel_name, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel_name
