"""The expectation suites, one per table, written as reviewable GX JSON under `expectations/`.

`python -m pipeline.quality.suites` regenerates `expectations/gx/expectations/<table>.json` from
the rules below (keys, identifier patterns, years, dates, foreign keys from the schemas, plus the
per-table checks). The quality stage validates with the committed JSON files; a test fails when
they differ from what this module generates. No GX import here: plain dicts in GX's file format.

Runtime parameters (`{"$PARAMETER": name}`): `known_party_codes` and `max_date` are filled in by
the quality stage; `<table>__<column>` names the parent keys of a foreign key, which DuckDB checks
(`pipeline.quality.keys`, as it does key uniqueness and the corpus-level statistics marked
`meta.scope == "table"`) over every file of the table, carried-over partitions included.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pipeline.identifiers import DOSSIER_REGEX, IDENTIFIER_REGEX
from pipeline.model import BLOCK_KINDS, FURNITURE_KINDS
from pipeline.normalise.schemas import NORMALISED_TABLES, TABLES, TableSpec

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations" / "gx" / "expectations"

CRITICAL, WARNING = "critical", "warning"
IDENTIFIER_PATTERN = IDENTIFIER_REGEX
VERSION_ID_PATTERN = IDENTIFIER_PATTERN[:-1] + r"@[1-9][0-9]*$"
YEAR_PATTERN = r"^(?:[0-9]{4}-[0-9]{4}|onbekend)$"
DOSSIER_PATTERN = DOSSIER_REGEX
EARLIEST_DATE = "1815-01-01"  # the first Eerste Kamer
#: Suite `meta.scope`: validate each partition on its own, or the whole table at once.
PER_PARTITION, WHOLE_TABLE = "partition", "table"


def expect(type_: str, severity: str, why: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"why": why}, "severity": severity}


def table_wide(expectation: dict[str, Any]) -> dict[str, Any]:
    """`expectation` on the whole table (every partition, carried-over ones included), by DuckDB."""
    return {**expectation, "meta": {**expectation["meta"], "scope": WHOLE_TABLE}}


def param(name: str) -> dict[str, str]:
    return {"$PARAMETER": name}


def _key_rules(spec: TableSpec) -> list[dict[str, Any]]:
    key = spec.key
    rules = [
        expect("expect_column_values_to_not_be_null", CRITICAL, "every row has a key", column=key),
        expect("expect_column_values_to_be_unique", CRITICAL, "keys are unique", column=key),
    ]
    if "document_version_id" in spec.schema.names:
        pattern = VERSION_ID_PATTERN if key == "document_version_id" else VERSION_ID_PATTERN[:-1] + "#[a-z]+[0-9]*$"
        rules.append(expect("expect_column_values_to_match_regex", CRITICAL,
                            "keys are built from the paper identifier and version", column=key, regex=pattern))
    return rules


def _common_rules(spec: TableSpec) -> list[dict[str, Any]]:
    rules = _key_rules(spec)
    names = spec.schema.names
    if "identifier" in names:
        rules.append(expect("expect_column_values_to_match_regex", CRITICAL,
                            "publication identifiers follow the KOOP grammar (kst-36867-C, kst-cxxiv-g, h-ek-20202021-1-1)", column="identifier",
                            regex=IDENTIFIER_PATTERN))
    if "vergaderjaar" in names:
        rules.append(expect("expect_column_values_to_match_regex", CRITICAL,
                            "parliamentary year is YYYY-YYYY or onbekend", column="vergaderjaar", regex=YEAR_PATTERN))
    for column, (parent, parent_column) in spec.parents.items():
        rules.append(expect("expect_column_values_to_be_in_set", CRITICAL,
                            f"every {column} is present in {parent}", column=column,
                            value_set=param(f"{parent}__{parent_column}")))
    return rules


def _party_rule(column: str = "party") -> dict[str, Any]:
    return expect("expect_column_values_to_be_in_set", WARNING, "fractie codes come from the known set",
                  column=column, value_set=param("known_party_codes"))


def _date_rule(column: str, severity: str = CRITICAL) -> dict[str, Any]:
    return expect("expect_column_values_to_be_between", severity, "dates lie between 1815 and next year",
                  column=column, min_value=EARLIEST_DATE, max_value=param("max_date"))


SPECIFIC: dict[str, list[dict[str, Any]]] = {
    "documents": [
        expect("expect_column_values_to_be_between", CRITICAL, "versions start at 1", column="version", min_value=1),
        expect("expect_column_values_to_be_in_set", CRITICAL, "the text comes from xml or pdf (empty: none)",
               column="source_kind", value_set=["xml", "pdf", ""]),
        expect("expect_column_values_to_be_between", CRITICAL, "a paper with a text layer has body text",
               column="word_count", min_value=1, row_condition='col("text_pages") > 0',
               condition_parser="great_expectations"),
        _date_rule("document_date"),
        _date_rule("modified"),
        expect("expect_column_values_to_not_be_null", WARNING, "most papers have a date", column="document_date",
               mostly=0.95),
        expect("expect_column_values_to_be_between", WARNING, "pages per paper are sane", column="pages",
               min_value=0, max_value=2000),
        expect("expect_column_median_to_be_between", WARNING, "typical paper length", column="pages",
               min_value=1, max_value=100),
        expect("expect_column_values_to_not_be_in_set", WARNING, "most papers have a recognised type",
               column="document_type", value_set=["onbekend"], mostly=0.8),
    ],
    "pages": [
        expect("expect_column_values_to_be_between", CRITICAL, "page numbers start at 1", column="page_number",
               min_value=1),
        expect("expect_column_values_to_be_between", WARNING, "words per page are sane", column="words",
               min_value=0, max_value=2500, mostly=0.99),
        expect("expect_column_mean_to_be_between", WARNING, "typical words per page of a text page",
               column="words", min_value=50, max_value=1200, row_condition='col("chars") > 0',
               condition_parser="great_expectations"),
    ],
    "paragraphs": [
        expect("expect_column_value_lengths_to_be_between", WARNING, "body blocks are not empty", column="text",
               min_value=1),
        expect("expect_column_values_to_be_in_set", CRITICAL, "only body block kinds (no furniture)",
               column="kind", value_set=sorted(BLOCK_KINDS - FURNITURE_KINDS)),
    ],
    "footnotes": [
        expect("expect_column_value_lengths_to_be_between", WARNING, "footnotes are not empty", column="text",
               min_value=1),
    ],
    "qa_pairs": [
        expect("expect_column_value_lengths_to_be_between", CRITICAL, "every pair has a question",
               column="question", min_value=1),
        expect("expect_column_value_lengths_to_be_between", WARNING, "most questions are answered",
               column="answer", min_value=1, mostly=0.5),
    ],
    "committee_members": [
        expect("expect_column_value_lengths_to_be_between", CRITICAL, "members have a name", column="name",
               min_value=1),
        _party_rule(),
        expect("expect_column_values_to_be_in_set", WARNING, "known committee roles", column="role",
               value_set=["lid", "voorzitter", "1e ondervoorzitter", "2e ondervoorzitter"]),
    ],
    "references": [
        expect("expect_column_values_to_be_in_set", WARNING, "known reference kinds", column="kind",
               value_set=["kamerstuk", "handelingen", "zaak"]),
    ],
    "speeches": [_party_rule(),
                 expect("expect_column_values_to_be_in_set", CRITICAL, "vote outcomes are known", column="vote",
                        value_set=["", "aangenomen", "verworpen"])],
    "motions": [
        expect("expect_column_value_lengths_to_be_between", CRITICAL, "every motion has its text", column="text",
               min_value=1),
        expect("expect_column_values_to_match_regex", CRITICAL, "a motion's paper is a kamerstuk of a dossier",
               column="kamerstuk_id", regex=r"^(?:kst-[0-9]{4,6}(?:-[0-9A-Za-z]+)+)?$"),
        expect("expect_column_value_lengths_to_be_between", WARNING, "the chair states the number of most motions",
               column="kamerstuk_id", min_value=1, mostly=0.8),
    ],
    "attendance": [
        expect("expect_column_value_lengths_to_be_between", CRITICAL, "attendees have a name", column="name",
               min_value=1),
        expect("expect_column_values_to_be_in_set", CRITICAL, "attendance is present or absent", column="status",
               value_set=["aanwezig", "afwezig"]),
    ],
    "letters": [_date_rule("letter_date", WARNING)],
    "parse_agreement": [
        expect("expect_column_values_to_be_between", CRITICAL, "similarity is a fraction",
               column="text_similarity", min_value=0, max_value=1),
        expect("expect_column_values_to_be_between", WARNING, "PDF and XML text of a paper agree",
               column="text_similarity", min_value=0.98),
        table_wide(expect("expect_column_median_to_be_between", CRITICAL, "across the corpus PDF and XML agree",
                          column="text_similarity", min_value=0.95)),
        expect("expect_column_values_to_be_in_set", WARNING, "most papers agree on text, footnotes and Q&A",
               column="agrees", value_set=[True], mostly=0.9),
    ],
    "dossiers": [
        expect("expect_column_values_to_match_regex", WARNING, "dossier numbers look like 36867, 36600-VII or CXXIV",
               column="dossier", regex=DOSSIER_PATTERN),
    ],
    "fetch_errors": [
        expect("expect_column_values_to_be_between", CRITICAL, "a failure took at least one attempt",
               column="attempts", min_value=1),
    ],
    "links": [
        expect("expect_column_values_to_not_be_null", CRITICAL, "links have both ends", column="to_id"),
    ],
    "source_status": [
        expect("expect_column_values_to_be_between", CRITICAL, "versions start at 1", column="version", min_value=1),
        expect("expect_column_values_to_be_in_set", CRITICAL, "every row is a version the source listed",
               column="listed", value_set=[True]),
        expect("expect_column_values_to_be_between", CRITICAL, "a record lists at most pdf, xml and metadata",
               column="files_archived", min_value=0, max_value=3),
        expect("expect_column_values_to_be_between", CRITICAL, "error counts are not negative",
               column="open_errors", min_value=0),
        expect("expect_column_values_to_be_in_set", WARNING, "most listed versions are published",
               column="published", value_set=[True], mostly=0.95),
    ],
}

def build_suite(table: str) -> dict[str, Any]:
    """The suite of `table` as a GX suite JSON object."""
    spec = TABLES[table]
    scope = PER_PARTITION if spec.partitioned else WHOLE_TABLE
    return {
        "name": table,
        "meta": {"scope": scope, "description": spec.description},
        "expectations": _common_rules(spec) + SPECIFIC.get(table, []),
    }


def render(table: str) -> str:
    return json.dumps(build_suite(table), indent=2, ensure_ascii=False) + "\n"


def load_suite(table: str) -> dict[str, Any]:
    """The committed suite of `table`."""
    return json.loads((SUITES_DIR / f"{table}.json").read_text("utf-8"))


def main() -> int:
    SUITES_DIR.mkdir(parents=True, exist_ok=True)
    for table in NORMALISED_TABLES:
        (SUITES_DIR / f"{table}.json").write_text(render(table), encoding="utf-8")
    print(f"wrote {len(NORMALISED_TABLES)} suites to {SUITES_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
