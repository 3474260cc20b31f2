"""The one place for the published tables: pyarrow schemas, keys, parents and partitioning.

Every column carries its description in the field metadata (`b"description"`); the data
dictionary (`docs/data-dictionary.md`) is generated from here. Child rows of a paper are keyed by
`document_version_id` (`<identifier>@<version>`) plus a sequence number, so keys are stable
across runs and never depend on the order papers were processed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

#: Bumped whenever a column is added, removed or changes type or meaning.
SCHEMA_VERSION = "1.4.0"

#: Partition column of the per-paper tables; papers without a known year go to `UNKNOWN_YEAR`.
PARTITION_COLUMN = "vergaderjaar"
UNKNOWN_YEAR = "onbekend"

TIMESTAMP = pa.timestamp("us", tz="UTC")
#: A list of strings, its item named as Parquet names it, so files read back with the same schema.
STRING_LIST = pa.list_(pa.field("element", pa.string()))


def col(name: str, type_: pa.DataType, description: str, nullable: bool = False) -> pa.Field:
    """A field with its description in the metadata."""
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


@dataclass(frozen=True)
class TableSpec:
    """A published table: its schema, primary key, foreign keys and whether it is partitioned."""

    name: str
    description: str
    schema: pa.Schema
    key: str
    partitioned: bool = True
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)

    def description_of(self, column: str) -> str:
        return self.schema.field(column).metadata[b"description"].decode()


_DVID = col("document_version_id", pa.string(), "The paper version: `<identifier>@<version>`, key of `documents`.")
_IDENTIFIER = col("identifier", pa.string(), "Publication identifier, e.g. `kst-36867-C`.")
_YEAR = col("vergaderjaar", pa.string(),
            f"Parliamentary year `YYYY-YYYY` (e.g. `2025-2026`), `{UNKNOWN_YEAR}` when not known; the partition.")
_SEQ = col("seq", pa.int32(), "1-based position within the paper.")
_OF_DOCUMENT = {"document_version_id": ("documents", "document_version_id")}


def _child(name: str, description: str, key: str, key_doc: str, *fields: pa.Field,
           parents: dict[str, tuple[str, str]] | None = None) -> TableSpec:
    """A table with rows per current paper version, keyed `<document_version_id>#<letter><seq>`;
    its parents are `documents` and any other `parents` (column -> (table, column))."""
    schema = pa.schema([col(key, pa.string(), key_doc), _DVID, _IDENTIFIER, _YEAR, *fields])
    return TableSpec(name, description, schema, key, parents={**_OF_DOCUMENT, **(parents or {})})


DOCUMENTS = TableSpec(
    "documents",
    "One row per version of every publication (history included); `is_current` marks the newest.",
    pa.schema([
        _DVID, _IDENTIFIER,
        col("version", pa.int32(), "Publication version (1, 2, ...); a new version supersedes the old one."),
        col("is_current", pa.bool_(), "True for the newest version of the publication."),
        _YEAR,
        col("kamer", pa.string(), "Chamber: `Eerste Kamer`, `Tweede Kamer`, `Verenigde Vergadering` or empty."),
        col("publicatienaam", pa.string(), "SRU publication kind: `Kamerstuk`, `Handelingen`, `Kamervragen (Aanhangsel)`, ..."),
        col("document_type", pa.string(), "Normalised document type (e.g. `memorie van antwoord`), `onbekend` when not recognised."),
        col("dossier", pa.string(), "Primary dossier number (`36867`, `36600-VII`); null when the paper has none.", True),
        col("dossiers", STRING_LIST, "Every dossier the paper belongs to."),
        col("dossier_title", pa.string(), "Title of the paper's dossier from its SRU record (`dossiertitel`), "
            "empty when not given; `dossiers.title` is taken from here."),
        col("ondernummer", pa.string(), "Sub-number within the dossier: a letter for Senate papers (`C`), a number otherwise."),
        col("title", pa.string(), "Title of the paper."),
        col("document_date", pa.date32(), "Date of the paper (parsed, else the SRU `dcterms:date`); null when unknown.", True),
        col("dates_json", pa.string(), "Labelled dates found in the paper as a JSON object, e.g. `{\"vastgesteld\": \"2025-11-04\"}`."),
        col("modified", pa.date32(), "SRU `dcterms:modified`: the day the publication last changed.", True),
        col("available", pa.date32(), "SRU `dcterms:available`: the publication date.", True),
        col("changed_at", pa.string(), "SRU change stamp of this version (the source watermark is the maximum)."),
        col("fetched_at", TIMESTAMP, "When this version was downloaded.", True),
        col("parsed_at", TIMESTAMP, "When this version was parsed.", True),
        col("source_kind", pa.string(), "Where the published text comes from: `xml`, `pdf`, or empty when neither parsed."),
        col("choice_reason", pa.string(), "Why that source was chosen."),
        col("pages", pa.int32(), "Number of pages of the PDF (0 without a PDF)."),
        col("text_pages", pa.int32(), "Pages with a text layer."),
        col("has_text_layer", pa.bool_(), "False for scans without a text layer."),
        col("no_text_reason", pa.string(), "Why there is no text, when there is none."),
        col("word_count", pa.int64(), "Words in the body text (furniture such as headers and footers excluded)."),
        col("paragraph_count", pa.int32(), "Rows in `paragraphs` for this version."),
        col("footnote_count", pa.int32(), "Rows in `footnotes` for this version."),
        col("committee", pa.string(), "Name of the committee that wrote the paper, empty when none."),
        col("hoofddocument", pa.string(), "For an appendix (bijlage): the identifier of the main paper."),
        col("is_replaced_by", pa.string(), "Identifier of the publication replacing this one, if any."),
        col("url_pdf", pa.string(), "Source URL of the PDF manifestation."),
        col("url_xml", pa.string(), "Source URL of the official XML manifestation."),
        col("parse_errors_json", pa.string(), "Parse errors per source kind as a JSON object (`{}` when none)."),
        col("flags", STRING_LIST, "Disagreements between the paper and its SRU record."),
    ]),
    key="document_version_id",
    parents={"dossier": ("dossiers", "dossier")},
)

PAGES = _child(
    "pages", "One row per page of the PDF of each current paper version.",
    "page_id", "`<document_version_id>#p<page>`.",
    col("page_number", pa.int32(), "1-based page number."),
    col("width", pa.float64(), "Page width in points."),
    col("height", pa.float64(), "Page height in points."),
    col("chars", pa.int32(), "Characters in the text layer of the page; null when the PDF was not laid out "
        "(sampled out of a backfill's check, see `parse_agreement.pdf_pass`).", True),
    col("words", pa.int32(), "Words in the text layer of the page; null when the PDF was not laid out.", True),
    col("has_text", pa.bool_(), "Whether the page has a text layer (without layout: whether it has fonts)."),
)

PARAGRAPHS = _child(
    "paragraphs", "Body blocks (paragraphs, headings, list items, ...) of each current paper version, in order.",
    "paragraph_id", "`<document_version_id>#b<seq>`.",
    _SEQ,
    col("page", pa.int32(), "Page the block starts on."),
    col("kind", pa.string(), "Block kind: `paragraph`, `heading`, `list_item`, `signature`, `label` or `table`."),
    col("text", pa.string(), "Text of the block."),
    col("word_count", pa.int32(), "Words in `text`."),
    col("bold", pa.bool_(), "Set in bold."),
    col("italic", pa.bool_(), "Set in italics."),
    col("footnote_refs", STRING_LIST, "Numbers of the footnotes referred to in the block."),
)

FOOTNOTES = _child(
    "footnotes", "Footnotes of each current paper version.",
    "footnote_id", "`<document_version_id>#n<seq>`.",
    _SEQ,
    col("number", pa.string(), "Footnote mark as printed (`1`, `2`, `*`)."),
    col("page", pa.int32(), "Page of the footnote."),
    col("text", pa.string(), "Text of the footnote."),
)

QA_PAIRS = _child(
    "qa_pairs", "Questions and their answers (committee reports, memoranda, written questions).",
    "qa_id", "`<document_version_id>#q<seq>`.",
    _SEQ,
    col("asked_by", pa.string(), "Who asked: a fractie code (`SP`) or the asking member(s)."),
    col("question", pa.string(), "Text of the question."),
    col("answer", pa.string(), "Text of the answer; empty when not (yet) answered."),
    col("answered_by", pa.string(), "Who answered, when stated."),
    col("page", pa.int32(), "Page the question starts on (0 when unknown)."),
)

COMMITTEE_MEMBERS = _child(
    "committee_members", "Members of the committee listed on a paper, with their fractie.",
    "member_id", "`<document_version_id>#m<seq>`.",
    col("committee", pa.string(), "Name of the committee."),
    _SEQ,
    col("name", pa.string(), "Member name as printed (`Van Apeldoorn`)."),
    col("party", pa.string(), "Fractie code (`SP`, `VVD`, `GL-PvdA`); null when not printed.", True),
    col("role", pa.string(), "`lid`, `voorzitter`, `1e ondervoorzitter` or `2e ondervoorzitter`."),
)

REFERENCES = _child(
    "references", "References to other parliamentary papers, proceedings and cases.",
    "reference_id", "`<document_version_id>#r<seq>`.",
    _SEQ,
    col("kind", pa.string(), "`kamerstuk`, `handelingen` or `zaak`."),
    col("chamber", pa.string(), "Chamber referred to: `I` (Senate), `II` (House) or empty."),
    col("ref_vergaderjaar", pa.string(), "Parliamentary year of the referenced paper, when given."),
    col("dossier", pa.string(), "Dossier of the referenced paper, when given."),
    col("ondernummer", pa.string(), "Sub-number of the referenced paper, when given."),
    col("target_id", pa.string(), "Identifier of the referenced publication (`kst-27925-694`), when resolvable."),
    col("footnote", pa.string(), "Footnote number the reference was cited in, if any."),
    col("text", pa.string(), "The reference as printed."),
)

SPEECHES = _child(
    "speeches", "Speeches in proceedings (Handelingen), in order.",
    "speech_id", "`<document_version_id>#s<seq>`.",
    _SEQ,
    col("speaker", pa.string(), "Speaker as printed."),
    col("party", pa.string(), "Fractie code of the speaker; null for ministers and the chair.", True),
    col("role", pa.string(), "Role of the speaker (`voorzitter`, `minister`, ...), empty for members."),
    col("text", pa.string(), "Text of the speech."),
    col("word_count", pa.int32(), "Words in `text`."),
    col("vote", pa.string(), "Outcome of a vote the chair announces in this turn: `aangenomen`, `verworpen` or empty."),
)

MOTIONS = _child(
    "motions", "Motions (moties) moved in proceedings (Handelingen), in order: their text, who moved them "
    "and the paper they got.",
    "motion_id", "`<document_version_id>#mo<seq>`.",
    _SEQ,
    col("speech_id", pa.string(), "The turn the motion was read out in (`speeches`): the member's own, or the "
        "chair's where the chair reads it (the Eerste Kamer's way)."),
    col("submitted_by", STRING_LIST, "Members who moved it, as the chair names them (`Van der Lee`)."),
    col("kamerstuk_id", pa.string(), "Identifier of the motion's own paper (`kst-31311-199`, `kst-36410-XIV-12`), "
        "empty when the chair states no number and dossier."),
    col("dossier", pa.string(), "Dossier of the motion's paper (`31311`, `36410-XIV`), empty when not stated."),
    col("ondernummer", pa.string(), "Number (`199`) or letter (`G`) of the motion's paper, empty when not stated."),
    col("considerations", STRING_LIST, "The clauses before what the chamber decides (`overwegende dat ...;`)."),
    col("requests", STRING_LIST, "What the chamber asks or states, from the first such clause on "
        "(`verzoekt de regering ...`)."),
    col("text", pa.string(), "The whole motion, `De Kamer, gehoord de beraadslaging, ... en gaat over tot de orde "
        "van de dag.`"),
    col("page", pa.int32(), "Page the motion starts on (0 when unknown, as in official XML)."),
    parents={"speech_id": ("speeches", "speech_id")},
)

ATTENDANCE = _child(
    "attendance", "Who was present at a sitting (Handelingen), and who was absent with notice, as printed.",
    "attendance_id", "`<document_version_id>#a<seq>`.",
    _SEQ,
    col("name", pa.string(), "Name as printed in the list."),
    col("status", pa.string(), "`aanwezig` (present) or `afwezig` (absent with notice)."),
    col("role", pa.string(), "Empty for members; `voorzitter` for the presiding member, else the office of a government member."),
)

LETTERS = _child(
    "letters", "Letters (sender, addressee, date, signatory) found in papers.",
    "letter_id", "`<document_version_id>#l<seq>`.",
    _SEQ,
    col("sender", pa.string(), "Sender of the letter."),
    col("addressee", pa.string(), "Addressee of the letter."),
    col("letter_date", pa.date32(), "Date of the letter; null when unknown.", True),
    col("signatory", pa.string(), "Who signed the letter."),
)

PARSE_AGREEMENT = _child(
    "parse_agreement", "Agreement between the PDF and the official XML text, per current paper version with both "
    "that was cross-checked, or sampled out of the check in a backfill (`pdf_pass`).",
    "agreement_id", "`<document_version_id>#agreement`.",
    col("text_similarity", pa.float64(),
        "Word-level similarity of PDF and XML body text (1.0 = identical); null when sampled out.", True),
    col("agrees", pa.bool_(),
        "The parse stage's verdict: text, footnotes and Q&A pairs of both sources agree; null when sampled out.",
        True),
    col("pdf_words", pa.int64(), "Words in the PDF body text; null when sampled out (the PDF was not read).", True),
    col("xml_words", pa.int64(), "Words in the XML body text."),
    col("chosen", pa.string(), "Source published for the paper: `xml` or `pdf`."),
    col("details_json", pa.string(), "Every measure the parse stage recorded, as a JSON object (`{}` when sampled out)."),
    col("pdf_pass", pa.string(),
        "What the parse stage did with the PDF: `full` (laid out and cross-checked with the XML) or `sampled-out` "
        "(a backfill outside the agreement sample: only its page facts were read)."),
)

DOSSIERS = TableSpec(
    "dossiers", "One row per dossier that current papers belong to, with its first and last paper date.",
    pa.schema([
        col("dossier", pa.string(), "Dossier number (`36867`, `36600-VII`)."),
        col("title", pa.string(), "Dossier title from the SRU record (`dossiertitel`), empty when not given."),
        col("document_count", pa.int32(), "Current papers in the dossier."),
        col("first_date", pa.date32(), "Earliest paper date in the dossier.", True),
        col("last_date", pa.date32(), "Latest paper date in the dossier.", True),
        col("vergaderjaren", STRING_LIST, "Parliamentary years with papers in the dossier, sorted."),
    ]),
    key="dossier", partitioned=False,
)

FETCH_ERRORS = TableSpec(
    "fetch_errors", "Downloads that failed (resolved ones included), from the fetch state, and the paper versions "
    "held back from publication (manifestation `paper`): a file that contradicts its record, or rows that failed a "
    "critical expectation.",
    pa.schema([
        col("fetch_error_id", pa.string(), "`<identifier>@<version>/<manifestation>`."),
        _IDENTIFIER,
        col("version", pa.int32(), "Publication version."),
        col("manifestation", pa.string(), "What failed: `pdf`, `xml`, `metadata` (a download), `record` (the SRU "
            "record), `paper` (the version is held back from publication)."),
        col("url", pa.string(), "The URL that failed."),
        col("error_kind", pa.string(), "Kind of failure (HTTP status class, timeout, malformed, ...; for a held-back "
            "paper `contradicts_record` or `quality`)."),
        col("message", pa.string(), "The error, as a sentence."),
        col("attempts", pa.int32(), "Download attempts so far."),
        col("first_failed_at", TIMESTAMP, "First failure.", True),
        col("last_failed_at", TIMESTAMP, "Latest failure.", True),
        col("resolved", pa.bool_(), "True once a later attempt succeeded (a held-back paper: once a re-parse "
            "cleared it)."),
    ]),
    key="fetch_error_id", partitioned=False,
)

LINKS = TableSpec(
    "links", "Links between publications derived from the SRU records by the fetch stage.",
    pa.schema([
        col("link_id", pa.string(), "`<from_id>|<kind>|<to_id>`."),
        col("from_id", pa.string(), "Identifier of the linking publication."),
        col("to_id", pa.string(), "Identifier of the linked publication."),
        col("kind", pa.string(), "Kind of link: `formatted` (unformatted paper to its formatted one), `reprint`, `replaced_by`."),
    ]),
    key="link_id", partitioned=False,
)

SOURCE_STATUS = TableSpec(
    "source_status", "One row per publication version the source listed, from the fetch state: whether its files "
    "were archived, it was parsed and this release publishes it, and its open download errors. A version the "
    "source listed but the release lacks shows here, so a dashboard can tell incomplete data from little data.",
    pa.schema([
        col("document_version_id", pa.string(), "The version: `<identifier>@<version>`; in `documents` once published."),
        _IDENTIFIER,
        col("version", pa.int32(), "Publication version."),
        col("publicatienaam", pa.string(), "SRU publication kind: `Kamerstuk`, `Handelingen`, ..."),
        col("modified", pa.date32(), "SRU `dcterms:modified` of the version: the day it changed at the source.", True),
        col("listed", pa.bool_(), "True: the source listed the version (every row; counted by the views)."),
        col("files_expected", pa.int32(), "Files (pdf, xml, metadata) the record lists for download."),
        col("files_archived", pa.int32(), "Of those, files archived."),
        col("archived", pa.bool_(), "Every expected file is archived (and there was at least one)."),
        col("parsed", pa.bool_(), "The version was parsed and its text taken from xml or pdf."),
        col("published", pa.bool_(), "The release holds the version in `documents`."),
        col("open_errors", pa.int32(), "Unresolved errors of the version, a hold included (see `fetch_errors`)."),
        col("held_back", pa.string(), "Why the version is held back from publication: `contradicts_record: ...` "
            "(its file is another paper) or `quality: ...` (its rows failed a critical expectation); '' when not."),
    ]),
    key="document_version_id", partitioned=False,
)

QUALITY_RESULTS = TableSpec(
    "quality_results", "Result of every expectation on the batches of the retained releases, newest last: "
    "a release keeps the results of the newest `keep_releases` (`EK_KEEP_RELEASES`, default 5) published "
    "runs, itself included; older results go with their release. Quarantined runs are not published.",
    pa.schema([
        col("result_id", pa.string(), "`<run_id>/<table>/<partition>/<n>`."),
        col("run_id", pa.string(), "Run that validated the batch."),
        col("table_name", pa.string(), "Table (and suite) validated."),
        col("partition", pa.string(), "Partition validated (`vergaderjaar=2025-2026`), `*` for the whole table "
            "(whole-table suites, and keys and foreign keys, which are checked across partitions)."),
        col("expectation_type", pa.string(), "GX expectation, e.g. `expect_column_values_to_be_unique`."),
        col("column", pa.string(), "Column checked, empty for table-level expectations."),
        col("severity", pa.string(), "`critical` blocks publishing; `warning` is reported."),
        col("success", pa.bool_(), "Whether the expectation held."),
        col("element_count", pa.int64(), "Rows checked.", True),
        col("unexpected_count", pa.int64(), "Rows that failed the expectation.", True),
        col("observed_value", pa.string(), "Observed value for aggregate expectations (JSON), else empty."),
        col("kwargs_json", pa.string(), "Arguments of the expectation as JSON."),
        col("validated_at", TIMESTAMP, "When the batch was validated."),
    ]),
    key="result_id", partitioned=False,
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (DOCUMENTS, PAGES, PARAGRAPHS, FOOTNOTES, QA_PAIRS, COMMITTEE_MEMBERS, REFERENCES, SPEECHES,
                 MOTIONS, ATTENDANCE, LETTERS, PARSE_AGREEMENT, DOSSIERS, FETCH_ERRORS, LINKS, SOURCE_STATUS,
                 QUALITY_RESULTS)
}

#: Tables the normalise stage builds; `quality_results` is added by the quality stage.
NORMALISED_TABLES = tuple(name for name in TABLES if name != "quality_results")
