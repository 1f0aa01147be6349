"""Write PNG previews of two real credentials printed by credbridge's ``pdf`` format.

    python docs/examples/print_previews.py [--shared ../shared] [--out docs/images/print]

The PDFs are rendered with pdfium (the ``pypdfium2`` wheel of the test extra), so that a person
can look at what a clerk prints: the EC's Annex I micro-credential sample (with a verification
address added, to show the QR code) and a sealed EDC credential from the corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = {
    "micro-credential": ("samples", "elm", "Sample-MC-Annex1-unsigned.jsonld"),
    "sealed-certificate": ("corpus", "elm", "credentials--examples_edc-cas-signed.jsonld"),
}
VERIFY = "https://europa.eu/europass/digital-credentials/verify/urn:credential:3ef0ac26"


def main(argv: list[str] | None = None) -> int:
    """Render the previews; 0 when both were written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "print")
    args = parser.parse_args(argv)

    import pypdfium2
    from credbridge import MicroCredential
    from credbridge.convert import read, write

    args.out.mkdir(parents=True, exist_ok=True)
    for name, parts in SAMPLES.items():
        cred = next(read(args.shared.joinpath(*parts)))
        if cred.verification is None or not cred.verification.url:
            cred = MicroCredential.model_validate(
                {**cred.to_json_dict(), "verification": {"url": VERIFY}})
        data = write([cred], None, to="pdf")
        assert data is not None
        page = pypdfium2.PdfDocument(data)[0]
        target = args.out / f"{name}.png"
        page.render(scale=1).to_pil().save(target, optimize=True)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
