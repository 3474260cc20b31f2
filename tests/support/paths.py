"""Where the test data lives: inside the repository, so a fresh clone tests on its own.

tests/fixtures/SOURCES.md says where each folder comes from.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
#: Real files, copied unchanged (real/SOURCES.md names the public repository of each).
REALDATA = FIXTURES / "real"
FRBR = REALDATA / "woo-besluit-broncode-PLOOI" / "repository.overheid.nl" / "frbr" / "officielepublicaties"
KST_PDF = FRBR / "kst/32545/kst-32545-143/1/pdf/kst-32545-143.pdf"
KST_XML = FRBR / "kst/32545/kst-32545-143/1/xml/kst-32545-143.xml"
AH_PDF = FRBR / "ah-tk/20202021/ah-tk-20202021-3235/1/pdf/ah-tk-20202021-3235.pdf"
AH_XML = FRBR / "ah-tk/20202021/ah-tk-20202021-3235/1/xml/ah-tk-20202021-3235.xml"
SCAN_PDF = FRBR / "blg/onopgemaakt/blg-1007826/1/pdf/blg-1007826.pdf"
#: The text of a real Eerste Kamer paper as extracted from its PDF.
SEED_TEXT = FIXTURES / "seed" / "kst-27925-AA.txt"
#: Papers typeset by tests/support/papergen.py, with their ground truth beside them.
GENERATED = FIXTURES / "generated"
#: Official-XML fixtures composed from documented element names.
OFFICIAL_XML = FIXTURES / "xml"
