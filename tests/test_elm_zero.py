"""A credit or workload of 0 in ELM (``creditPoint`` ``point: "0"``, ``volumeOfLearning``
``PT0H``) is a value: the record is read, and written back with it."""

from __future__ import annotations

import json
from pathlib import Path

from credbridge import read
from credbridge.report import Code, Report
from credbridge.testing import write_read


def test_zero_credits_and_hours_read_and_write_back(shared: Path, tmp_path: Path) -> None:
    doc = json.loads((shared / "samples" / "elm" / "Sample-MC-Annex1-unsigned.jsonld")
                     .read_text("utf-8"))
    claim = doc["credentialSubject"]["hasClaim"]
    spec = (claim[0] if isinstance(claim, list) else claim)["specifiedBy"]
    spec["creditPoint"]["point"] = "0"
    spec["volumeOfLearning"] = "PT0H"
    path = tmp_path / "zero.jsonld"
    path.write_text(json.dumps(doc), "utf-8")
    report = Report()
    creds = list(read(path, report=report))
    assert len(creds) == 1, [m.detail for m in report.messages]
    assert not [m for m in report.messages if m.code == Code.INVALID_RECORD]
    workload = creds[0].workload
    assert workload is not None
    assert (str(workload.ects), str(workload.hours)) == ("0", "0")
    _, out, _ = write_read("elm", creds)
    written = json.loads(out)["credentialSubject"]["hasClaim"]
    written_spec = (written[0] if isinstance(written, list) else written)["specifiedBy"]
    assert written_spec["creditPoint"]["point"] == "0"
    assert written_spec["volumeOfLearning"] == "PT0H"
