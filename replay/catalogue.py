"""What the replay server serves: SRU records (real or generated) and the files they point to.

A `Catalogue` holds records as `<sru:record>` XML with every file URL written as
`{BASE}/frbr/...`; the server puts its own address in. `recorded_catalogue()` serves the real
SRU responses and FRBR files of tests/fixtures/real (its SOURCES.md names where each comes from)
and the papers typeset into tests/fixtures/generated; `generated_catalogue()` makes any number of
synthetic Eerste Kamer and Tweede Kamer records with small, valid files.
"""

from __future__ import annotations

import bisect
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pipeline.config import EERSTE_KAMER
from pipeline.sources import vergaderjaar
from pipeline.sources.records import SruRecord
from pipeline.sources.sru import NS, normalise_dossier
from tests.support.paths import FRBR, GENERATED, OFFICIAL_XML, REALDATA

BASE = "{BASE}"
TWEEDE_KAMER = "Tweede Kamer der Staten-Generaal"
#: Namespace declarations of a real response root (lawgraph fixture), in its order.
ENVELOPE_NS = (
    'xmlns:overheidwetgeving="http://standaarden.overheid.nl/wetgeving/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:cd="http://standaarden.overheid.nl/cup/data" xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse" '
    'xmlns:gzd="http://standaarden.overheid.nl/sru" xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic" '
    'xmlns:facet="http://docs.oasis-open.org/ns/search-ws/facetedResults" xmlns:c="http://standaarden.overheid.nl/collectie/"'
)
_REAL_URL = re.compile(r"https?://(?:__MOCK_SERVICE__/)?repository\.overheid\.nl/frbr/")
_RECORD = re.compile(r"<sru:record[\s>].*?</sru:record>", re.S)
_ITEM_URL = re.compile(r'<gzd:itemUrl manifestation="([^"]+)">\{BASE\}(/frbr/[^<]+)</gzd:itemUrl>')

#: CQL index -> path below overheidwetgeving:meta.
INDEX_PATHS = {
    "dt.identifier": "ow:owmskern/dcterms:identifier", "dt.title": "ow:owmskern/dcterms:title",
    "dt.type": "ow:owmskern/dcterms:type", "dt.creator": "ow:owmskern/dcterms:creator",
    "dt.modified": "ow:owmskern/dcterms:modified", "dt.language": "ow:owmskern/dcterms:language",
    "dt.available": "ow:owmsmantel/dcterms:available", "dt.date": "ow:owmsmantel/dcterms:date",
    "dt.issued": "ow:owmsmantel/dcterms:issued", "dt.isReplacedBy": "ow:owmsmantel/dcterms:isReplacedBy",
    "c.product-area": "ow:tpmeta/c:product-area", "c.content-area": "ow:tpmeta/c:content-area",
    **{f"w.{name}": f"ow:tpmeta/ow:{name}" for name in (
        "publicatienaam", "documentstatus", "organisatietype", "dossiernummer", "ondernummer",
        "vergaderjaar", "subrubriek", "hoofddocument", "bijlage", "documenttitel", "dossiertitel",
        "indiener", "datumVergadering", "handelingenitemnummer", "publicatienummer")},
}

FileSource = Path | bytes | Callable[[], bytes]


@dataclass
class Entry:
    """One record: real XML, or fields rendered to XML when first served."""

    identifier: str
    index: dict[str, tuple[str, ...]]
    files: dict[str, str] = field(default_factory=dict)  # manifestation -> path served
    fields: Mapping[str, Any] | None = None
    raw_xml: str | None = None

    @property
    def xml(self) -> str:
        """One <sru:record> element, file URLs as {BASE}/frbr/..."""
        if self.raw_xml is None:
            self.raw_xml = render_record(self.fields or {})
        return self.raw_xml


def _wrapped(xml: str) -> ET.Element:
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", xml)
    return ET.fromstring(f"<wrap {ENVELOPE_NS}>{body}</wrap>")


def _clark(path: str) -> str:
    prefix, local = path.rsplit("/", 1)[-1].split(":")
    return f"{{{NS[prefix]}}}{local}"


_INDEX_OF_TAG = {_clark(path): name for name, path in INDEX_PATHS.items()}


def index_of(xml: str) -> dict[str, tuple[str, ...]]:
    """CQL index -> values of a `<sru:record>`, read from its XML."""
    meta = _wrapped(xml).find(".//gzd:originalData/ow:meta", NS)
    if meta is None:
        raise ValueError("record XML has no gzd:originalData/overheidwetgeving:meta")
    found: dict[str, list[str]] = {}
    for el in meta.iter():
        name = _INDEX_OF_TAG.get(el.tag)
        if name and el.text and el.text.strip():
            found.setdefault(name, []).append(el.text.strip())
    return _finish_index(found)


def index_of_fields(fields: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The same index straight from the fields `render_record` renders (no XML parsing)."""
    f = {**_DEFAULTS, **fields}
    single = {
        "dt.identifier": f["identifier"], "dt.title": f["title"], "dt.type": f["type"], "dt.creator": f["creator"],
        "dt.modified": f["modified"], "dt.language": "nl", "dt.available": f["available"], "dt.date": f["date"],
        "dt.issued": f["issued"] or f["date"], "dt.isReplacedBy": f["is_replaced_by"],
        "c.product-area": "officielepublicaties", "c.content-area": f["content_area"],
        "w.publicatienaam": f["publicatienaam"], "w.documentstatus": f["documentstatus"],
        "w.organisatietype": "staten generaal", "w.ondernummer": f["ondernummer"],
        "w.vergaderjaar": f["vergaderjaar"], "w.subrubriek": f["subrubriek"], "w.hoofddocument": f["hoofddocument"],
        "w.documenttitel": f["documenttitel"], "w.dossiertitel": f["dossiertitel"],
    }
    found = {k: [v] for k, v in single.items() if v}
    for name, values in (("w.dossiernummer", f["dossiers"]), ("w.bijlage", f["bijlagen"])):
        if values:
            found[name] = list(values)
    return _finish_index(found)


def _finish_index(found: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    if not found.get("dt.identifier"):
        raise ValueError("record has no dcterms:identifier")
    if "w.dossiernummer" in found:
        found["w.dossiernummer"] += [normalise_dossier(d) for d in found["w.dossiernummer"]]
    return {k: tuple(v) for k, v in found.items()}


class Catalogue:
    """Records by identifier (kept sorted), and the files served below /frbr/."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.files: dict[str, tuple[str, str, FileSource]] = {}  # path -> (identifier, manifestation, source)
        #: Records served another publication's files (`STAND_INS`): the pipeline holds them back.
        self.stand_ins: set[str] = set()
        self._sorted: list[str] = []
        self._sorted_entries: list[Entry] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.sorted())

    def add(self, record: str | bytes | Mapping[str, Any] | SruRecord,
            files: Mapping[str, FileSource] | None = None) -> Entry:
        """Add a real `<sru:record>` XML (its URLs are pointed at the server) or fields to render.

        `files` maps manifestations ("pdf", "xml", "metadata", ...) to what to serve; each must
        be listed in the record's itemUrls. Fields follow `SruRecord` (plus `manifestations`,
        by default the manifestations in `files`), e.g.
        `add({"identifier": "kst-27925-AA", "dossiers": ("27925",), "ondernummer": "AA",
        "content_area": "officielepublicaties/kst/27925"}, files={"pdf": path})`.
        """
        if isinstance(record, bytes):
            record = record.decode("utf-8")
        if isinstance(record, SruRecord):
            record = record.to_dict()
        if not isinstance(record, str) and files and "manifestations" not in record:
            record = {**record, "manifestations": tuple(files)}
        if isinstance(record, str):
            xml = _REAL_URL.sub(BASE + "/frbr/", record)
            entry = Entry("", index_of(xml), raw_xml=xml)
            urls = {m: path for m, path in _ITEM_URL.findall(xml)}
        else:
            entry = Entry("", index_of_fields(record), fields=dict(record))
            urls = {m: url.removeprefix(BASE) for m, url in item_urls(record).items()}
        entry.identifier = entry.index["dt.identifier"][0]
        for manifestation, source in (files or {}).items():
            if manifestation not in urls:
                raise ValueError(f"{entry.identifier} lists no {manifestation} itemUrl to serve a file at")
            entry.files[manifestation] = urls[manifestation]
            self.files[urls[manifestation]] = (entry.identifier, manifestation, source)
        if entry.identifier not in self.entries:
            bisect.insort(self._sorted, entry.identifier)
        self._sorted_entries = None
        self.entries[entry.identifier] = entry
        return entry

    def change(self, identifier: str, modified: str, changed_at: str) -> None:
        """A new change stamp for a record (as when KOOP reprocesses it)."""
        entry = self.entries[identifier]
        xml = re.sub(r"(<dcterms:modified>)[^<]*", rf"\g<1>{modified}", entry.xml)
        xml = re.sub(r"(<cd:datumTijdstipWijziging(?:Work|Expression)>)[^<]*", rf"\g<1>{changed_at}", xml)
        entry.raw_xml = re.sub(r"(<gzd:timestamp>)[^<]*", rf"\g<1>{changed_at}", xml)
        entry.index = index_of(entry.raw_xml)

    def sorted(self) -> list[Entry]:
        """Every entry by identifier (cached until the next add)."""
        if self._sorted_entries is None:
            self._sorted_entries = [self.entries[i] for i in self._sorted]
        return self._sorted_entries

    def after(self, identifier: str) -> list[Entry]:
        """Entries with an identifier greater than `identifier`, in order."""
        return self.sorted()[bisect.bisect_right(self._sorted, identifier):]

    def read(self, path: str) -> tuple[str, str, bytes] | None:
        """(identifier, manifestation, content) of the file served at `path`, or None."""
        found = self.files.get(path)
        if found is None:
            return None
        identifier, manifestation, source = found
        if isinstance(source, Path):
            return identifier, manifestation, source.read_bytes()
        return identifier, manifestation, source if isinstance(source, bytes) else source()


# --- recorded ---------------------------------------------------------------------------------

_PLOOI = REALDATA / "woo-besluit-broncode-PLOOI"
#: The real SRU responses, in the order their records are added (the first of an identifier wins):
#: an Eerste Kamer page (dossier 36867), EK Handelingen among Tweede Kamer records, the page whose
#: three publications have their files in FRBR, and single records of other kinds.
RECORD_SOURCES = (
    REALDATA / "lawgraph" / "sru_eerstekamer_kamerstukken_page.xml",
    _PLOOI / "dcn-oep-unit" / "sru_record_handeling.xml",
    _PLOOI / "dcn-oep-unit" / "sru.xml",
    _PLOOI / "repository.overheid.nl" / "sru.xml",
    _PLOOI / "dcn-oep-unit" / "sru_record_kst.xml",
    _PLOOI / "dcn-oep-unit" / "sru_record_bijlage.xml",
    _PLOOI / "dcn-oep-unit" / "sru_record_kv_onopgemaakt.xml",
)
#: Real publications with real files (their own).
REAL_FILES = {
    "kst-32545-143": FRBR / "kst/32545/kst-32545-143/1",
    "ah-tk-20202021-3235": FRBR / "ah-tk/20202021/ah-tk-20202021-3235/1",
    "blg-1007826": FRBR / "blg/onopgemaakt/blg-1007826/1",
}
#: Real Eerste Kamer records have no real files offline: they get the real files of a publication
#: of the same kind. (publicatienaam, onopgemaakt?) -> publication in REAL_FILES.
STAND_INS = {
    ("Kamerstuk", False): "kst-32545-143",
    ("Kamerstuk", True): "kst-32545-143",  # onopgemaakt: its PDF and metadata only (no XML exists)
    ("Handelingen", False): "ah-tk-20202021-3235",  # the nearest real kind: Aanhangsel der Handelingen
}


#: Real Eerste Kamer records whose files this repository has, hand-made after the real items or typeset
#: (tests/fixtures/SOURCES.md): served with those files only, so that the paper is the one its record
#: names. The other Eerste Kamer records get stand-ins, which contradict their records and are held back.
OWN_FILES: dict[str, dict[str, Path]] = {
    "h-ek-20202021-1-1": {"xml": OFFICIAL_XML / "h-ek-20202021-1-1.xml", "pdf": GENERATED / "h-ek-20202021-1-1.pdf"},
    "h-ek-20212022-2-1": {"xml": OFFICIAL_XML / "h-ek-20212022-2-1.xml"},
    "kst-36867-A": {"xml": OFFICIAL_XML / "kst-36867-A-voorstel.xml"},
}
#: The manifestations the pipeline downloads (an own-file record lists only those it has of them).
_HARVESTED = ("pdf", "xml", "metadata")


def real_files(identifier: str) -> dict[str, Path]:
    """manifestation -> file of a publication in REAL_FILES."""
    return {d.name: next(d.iterdir()) for d in sorted(REAL_FILES[identifier].iterdir()) if d.is_dir()}


def _listing_only(entry_xml: str, files: Mapping[str, Path]) -> str:
    """The record without the itemUrls of harvested manifestations it has no file of."""
    missing = "|".join(m for m in _HARVESTED if m not in files)
    return re.sub(rf'\s*<gzd:itemUrl manifestation="(?:{missing})">[^<]*</gzd:itemUrl>', "", entry_xml) if missing \
        else entry_xml


def _recorded_files(entry_xml: str, index: Mapping[str, tuple[str, ...]]) -> dict[str, Path]:
    """The files a recorded record serves: its own, a stand-in's, or none (only those it lists)."""
    identifier = index["dt.identifier"][0]
    if identifier in REAL_FILES:
        source = identifier
    elif index.get("dt.creator", ("",))[0] == EERSTE_KAMER:
        onopgemaakt = index.get("w.documentstatus", ("",))[0] == "Onopgemaakt"
        source = STAND_INS.get((index.get("w.publicatienaam", ("",))[0], onopgemaakt), "")
    else:
        source = ""
    listed = {m for m, _ in _ITEM_URL.findall(_REAL_URL.sub(BASE + "/frbr/", entry_xml))}
    return {m: p for m, p in real_files(source).items() if m in listed} if source else {}


def recorded_catalogue() -> Catalogue:
    """The real records and files, and the typeset papers; deterministic (same content every call)."""
    catalogue = Catalogue()
    for source in RECORD_SOURCES:
        for xml in _RECORD.findall(source.read_text(encoding="utf-8")):
            index = index_of(xml)
            identifier = index["dt.identifier"][0]
            if identifier in catalogue.entries:
                continue
            if identifier in OWN_FILES:
                catalogue.add(_listing_only(xml, OWN_FILES[identifier]), OWN_FILES[identifier])
            else:
                files = _recorded_files(xml, index)
                catalogue.add(xml, files)
                if files and identifier not in REAL_FILES:
                    catalogue.stand_ins.add(identifier)
    for fields in TYPESET_EK_PAPERS:
        catalogue.add(fields, files={"pdf": GENERATED / f"{fields['identifier']}.pdf"})
    for fields in HAND_MADE_EK_PAPERS:
        catalogue.add(fields, files={"xml": OFFICIAL_XML / f"{fields['identifier']}.xml"})
    return catalogue


#: Eerste Kamer papers typeset by the test-paper generator (tests/support/papergen.py) in the
#: official layout, with their ground truth beside them: the seed paper kst-27925-AA and two
#: composed ones. They give the demo committees, questions and answers and references.
_BDO = "Bestrijding internationaal terrorisme"
TYPESET_EK_PAPERS: tuple[dict[str, Any], ...] = (
    {"identifier": "kst-27925-AA", "title": f"{_BDO}; Verslag van een schriftelijk overleg",
     "modified": "2020-04-21", "available": "2020-04-21", "date": "2020-04-20",
     "changed_at": "2020-04-21T10:02:11.5120000+02:00", "content_area": "officielepublicaties/kst/27925",
     "vergaderjaar": "2019-2020", "dossiers": ("27925",), "ondernummer": "AA", "subrubriek": "Verslag",
     "documenttitel": "Verslag van een schriftelijk overleg", "dossiertitel": _BDO},
    {"identifier": "kst-27925-AB", "title": f"{_BDO}; Brief van de minister van Buitenlandse Zaken",
     "modified": "2020-05-13", "available": "2020-05-13", "date": "2020-05-12",
     "changed_at": "2020-05-13T09:41:37.0230000+02:00", "content_area": "officielepublicaties/kst/27925",
     "vergaderjaar": "2019-2020", "dossiers": ("27925",), "ondernummer": "AB", "subrubriek": "Brief",
     "documenttitel": "Brief van de minister van Buitenlandse Zaken", "dossiertitel": _BDO},
    {"identifier": "kst-36112-C",
     "title": "Wijziging van de Wet publieke gezondheid in verband met de bestrijding van infectieziekten "
              "behorend tot groep A; Memorie van antwoord",
     "modified": "2023-03-15", "available": "2023-03-15", "date": "2023-03-14",
     "changed_at": "2023-03-15T11:20:05.7780000+01:00", "content_area": "officielepublicaties/kst/36112",
     "vergaderjaar": "2022-2023", "dossiers": ("36112",), "ondernummer": "C",
     "subrubriek": "Memorie van antwoord", "documenttitel": "Memorie van antwoord",
     "dossiertitel": "Wijziging van de Wet publieke gezondheid in verband met de bestrijding van "
                     "infectieziekten behorend tot groep A"},
)


_CTB = ("Wijziging van de Wet publieke gezondheid in verband met aanpassing van de tijdelijke regels over de "
        "inzet van coronatoegangsbewijzen bij niet-essentiële detailhandel en niet-essentiële dienstverlening op "
        "publieke plaatsen")
#: Eerste Kamer papers of one dossier served as official XML written by hand (tests/fixtures/xml): the
#: real voorlopig verslag kst-35961-C and a composed memorie van antwoord to it, a question and its reply.
HAND_MADE_EK_PAPERS: tuple[dict[str, Any], ...] = tuple(
    {"identifier": f"kst-35961-{letter}", "title": f"{_CTB}; {kind}", "modified": day, "available": day,
     "date": date_, "changed_at": f"{day}T10:00:00.0000000+01:00", "content_area": "officielepublicaties/kst/35961",
     "vergaderjaar": "2021-2022", "dossiers": ("35961",), "ondernummer": letter, "subrubriek": kind,
     "documenttitel": kind, "dossiertitel": _CTB}
    for letter, kind, date_, day in (("C", "Voorlopig verslag", "2021-11-23", "2021-11-24"),
                                     ("D", "Memorie van antwoord", "2021-11-26", "2021-11-29"))
)


# --- generated --------------------------------------------------------------------------------

def item_urls(fields: Mapping[str, Any]) -> dict[str, str]:
    """manifestation -> `{BASE}/frbr/...` URL of a rendered record, in the real FRBR layout."""
    f = {**_DEFAULTS, **fields}
    ident = f["identifier"]
    folder = f["content_area"].removeprefix("officielepublicaties/")
    item = f"{BASE}/frbr/officielepublicaties/{folder}/{ident}/1"
    return {m: f"{item}/{m}/{_file_name(ident, m)}" for m in f["manifestations"]}


def render_record(fields: Mapping[str, Any]) -> str:
    """A `<sru:record>` in the real layout from SruRecord-like fields."""
    f = {**_DEFAULTS, **fields}
    ident = f["identifier"]
    files = item_urls(f)
    main_url = files.get("xml") or files.get("pdf") or ""

    def el(tag: str, value: str, attrs: str = "") -> str:
        return f"<{tag}{attrs}>{escape(value)}</{tag.split()[0]}>" if value else ""

    tp = "".join([
        el("c:product-area", "officielepublicaties"), el("c:content-area", f["content_area"]),
        *(el("overheidwetgeving:bijlage", b) for b in f["bijlagen"]),
        el("overheidwetgeving:documentstatus", f["documentstatus"]),
        el("overheidwetgeving:documenttitel", f["documenttitel"]),
        el("overheidwetgeving:dossiertitel", f["dossiertitel"]),
        el("overheidwetgeving:hoofddocument", f["hoofddocument"]),
        el("overheidwetgeving:ondernummer", f["ondernummer"]),
        el("overheidwetgeving:organisatietype", "staten generaal", ' scheme="OVERHEID.Organisatietype"'),
        el("overheidwetgeving:publicatienaam", f["publicatienaam"]),
        el("overheidwetgeving:vergaderjaar", f["vergaderjaar"]),
        *(el("overheidwetgeving:dossiernummer", d) for d in f["dossiers"]),
        el("overheidwetgeving:subrubriek", f["subrubriek"], ' scheme="OVERHEIDop.KamerstukTypen"'),
        el("cd:datumTijdstipWijzigingWork", f["changed_at"]),
        el("cd:datumTijdstipWijzigingExpression", f["changed_at"]),
    ])
    urls = "".join(f'<gzd:itemUrl manifestation="{m}">{u}</gzd:itemUrl>' for m, u in sorted(files.items()))
    return (
        "<sru:record><sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>"
        "<sru:recordPacking>xml</sru:recordPacking><sru:recordData><gzd:gzd><gzd:originalData>"
        '<overheidwetgeving:meta xmlns:search="http://marklogic.com/appservices/search"><overheidwetgeving:owmskern>'
        + el("dcterms:identifier", ident) + el("dcterms:title", f["title"]) + el("dcterms:language", "nl")
        + el("dcterms:type", f["type"], ' scheme="OVERHEIDop.Parlementair"')
        + el("dcterms:creator", f["creator"], ' scheme="OVERHEID.StatenGeneraal"')
        + el("dcterms:modified", f["modified"]) + "</overheidwetgeving:owmskern><overheidwetgeving:owmsmantel>"
        + el("dcterms:available", f["available"]) + el("dcterms:date", f["date"])
        + el("dcterms:hasVersion", "1", f' resourceIdentifier="https://zoek.officielebekendmakingen.nl/{ident}.html"')
        + el("dcterms:issued", f["issued"] or f["date"]) + el("dcterms:isReplacedBy", f["is_replaced_by"])
        + "</overheidwetgeving:owmsmantel><overheidwetgeving:tpmeta>" + tp
        + "</overheidwetgeving:tpmeta></overheidwetgeving:meta></gzd:originalData><gzd:enrichedData>"
        + el("gzd:url", main_url)
        + el("gzd:preferredUrl", f"https://zoek.officielebekendmakingen.nl/{ident}.html") + urls
        + el("gzd:timestamp", f["changed_at"])
        + "</gzd:enrichedData></gzd:gzd></sru:recordData><sru:recordPosition>1</sru:recordPosition></sru:record>"
    )


_DEFAULTS: dict[str, Any] = {
    "title": "", "type": "Kamerstuk", "creator": EERSTE_KAMER, "modified": "2026-01-01", "available": "",
    "date": "", "issued": "", "changed_at": "", "content_area": "officielepublicaties/kst/onbekend",
    "publicatienaam": "Kamerstuk", "documentstatus": "Opgemaakt", "vergaderjaar": "", "dossiers": (),
    "ondernummer": "", "subrubriek": "", "documenttitel": "", "dossiertitel": "", "hoofddocument": "",
    "bijlagen": (), "is_replaced_by": "", "manifestations": ("pdf", "xml", "metadata"),
}


def _file_name(identifier: str, manifestation: str) -> str:
    return {"metadata": "metadata.xml", "metadataowms": "metadata_owms.xml"}.get(
        manifestation, f"{identifier}.{manifestation}")


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` (ASCII), with a correct xref table."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 72 770 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_files(identifier: str, title: str) -> dict[str, Callable[[], bytes]]:
    """Small, valid pdf / xml / metadata for a generated record, built when served."""
    ident, text = escape(identifier), escape(title)
    return {
        "pdf": lambda: tiny_pdf(f"{identifier} {title}"),
        "xml": lambda: (f'<?xml version="1.0" encoding="UTF-8"?><officiele-publicatie><metadata><meta '
                        f'name="DC.identifier" content="{ident}"/></metadata><kamerstuk><stuk><titel>{text}'
                        f"</titel><algemeen><al>{text}</al></algemeen></stuk></kamerstuk></officiele-publicatie>"
                        ).encode(),
        "metadata": lambda: (f'<?xml version="1.0" encoding="UTF-8"?><metadata_gegevens><metadata '
                             f'name="DC.identifier" scheme="OVERHEIDop.ParlID" content="{ident}"/><metadata '
                             f'name="DC.title" content="{text}"/></metadata_gegevens>').encode(),
    }


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: Eerste Kamer ondernummers."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class _Generator:
    """Deterministic synthetic records of one chamber."""

    FIRST_DAY = date(2024, 1, 1)
    DAYS = 1060

    def __init__(self, rng: random.Random, ek: bool) -> None:
        self.rng = rng
        self.ek = ek
        self.counter = 0
        self.offset = 0 if ek else 500_000  # numeric ids of the two chambers never collide

    def fields(self) -> dict[str, Any]:
        self.counter += 1
        n, rng = self.counter, self.rng
        num = n + self.offset
        available = self.FIRST_DAY + timedelta(days=rng.randrange(self.DAYS))
        modified = available + timedelta(days=rng.choice((0, 0, 0, 1, 3, 40)))
        vj = vergaderjaar.name(vergaderjaar.start_year_of(available))
        base = {"creator": EERSTE_KAMER if self.ek else TWEEDE_KAMER, "available": available.isoformat(),
                "date": (available - timedelta(days=1)).isoformat(), "modified": modified.isoformat(),
                "changed_at": f"{modified.isoformat()}T10:{n % 60:02d}:00.{n:06d}+01:00", "vergaderjaar": vj}
        kind = rng.random()
        dossier = str(36000 + n % 900)
        chamber = "ek" if self.ek else "tk"
        if kind < 0.62:
            onder = _letters(n // 900) if self.ek else str(n // 900 + 1)
            return base | {"identifier": f"kst-{dossier}-{onder}", "dossiers": (dossier,), "ondernummer": onder,
                           "content_area": f"officielepublicaties/kst/{dossier}", "title": f"Dossier {dossier}; Verslag",
                           "documentstatus": "Opgemaakt na onopgemaakt", "subrubriek": "Verslag"}
        if kind < 0.70:
            return base | {"identifier": f"kst-{3000000 + num}", "dossiers": (dossier,), "ondernummer": "ZZ",
                           "content_area": "officielepublicaties/kst/onopgemaakt", "documentstatus": "Onopgemaakt",
                           "title": f"Dossier {dossier}; Brief", "manifestations": ("pdf", "metadata")}
        if kind < 0.80:
            return base | {"identifier": f"blg-{2000000 + num}", "type": "Bijlage", "dossiers": (dossier,),
                           "content_area": "officielepublicaties/blg/onopgemaakt", "documentstatus": "Onopgemaakt",
                           "title": "Bijlage", "manifestations": ("pdf", "metadata")}
        if kind < 0.92:
            return base | {"identifier": f"h-{chamber}-{vj.replace('-', '')}-{n % 40 + 1}-{n}", "type": "Handeling",
                           "publicatienaam": "Handelingen", "documentstatus": "Opgemaakt", "title": "Handeling",
                           "content_area": f"officielepublicaties/h-{chamber}/{vj.replace('-', '')}"}
        if kind < 0.96:
            return base | {"identifier": f"ah-{chamber}-{vj.replace('-', '')}-{n}", "type": "Aanhangsel van de Handelingen",
                           "publicatienaam": "Kamervragen (Aanhangsel)", "title": "Vragen en antwoord",
                           "content_area": f"officielepublicaties/ah-{chamber}/{vj.replace('-', '')}"}
        if kind < 0.98:
            return base | {"identifier": f"kv-{chamber}-{4000000 + num}", "type": "Kamervragen zonder Antwoord",
                           "publicatienaam": "Kamervragen zonder antwoord", "title": "Vragen",
                           "content_area": f"officielepublicaties/kv-{chamber}/{available.year}"}
        return base | {"identifier": f"ag-{chamber}-{available.isoformat()}-{n}", "type": "Agenda",
                       "publicatienaam": "Agenda", "title": "Agenda",
                       "content_area": f"officielepublicaties/ag-{chamber}/{available.year}"}


def generated_catalogue(ek: int, tk: int, seed: int = 0) -> Catalogue:
    """`ek` Eerste Kamer and `tk` Tweede Kamer records of every kind, interleaved, with tiny files."""
    rng = random.Random(seed)
    makers = [_Generator(rng, ek=True), _Generator(rng, ek=False)]
    catalogue = Catalogue()
    todo = [ek, tk]
    while any(todo):
        side = 0 if rng.random() * sum(todo) < todo[0] else 1
        todo[side] -= 1
        fields = makers[side].fields()
        files = tiny_files(fields["identifier"], fields["title"])
        manifestations = fields.get("manifestations", _DEFAULTS["manifestations"])
        catalogue.add(fields, {m: files[m] for m in manifestations})
    return catalogue
