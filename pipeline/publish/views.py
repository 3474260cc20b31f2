"""Views a dashboard needs directly, as SQL for DuckDB (the catalog) and PostgreSQL.

Child tables hold current paper versions only; `documents` holds every version, so views over it
filter on `is_current`.
"""

from __future__ import annotations

from typing import Literal

from pipeline.duckdb_sql import duckdb_literal

Dialect = Literal["duckdb", "postgres"]

QUESTION_TYPES = ("voorlopig verslag", "nader voorlopig verslag", "verslag",
                  "verslag van een schriftelijk overleg", "verslag van een nader schriftelijk overleg")
ANSWER_TYPES = ("memorie van antwoord", "nadere memorie van antwoord", "nota naar aanleiding van het verslag")


#: What each dashboard view answers (shown in the data dictionary).
VIEW_DESCRIPTIONS = {
    "documents_per_month": "Current papers per month of their date and document type: `month`, `document_type`, `documents`.",
    "answer_times": "Days from question to reply: a committee report (`voorlopig verslag`, ...) to the government's "
                    "answer in the same dossier (`memorie van antwoord`, ...), and written questions "
                    "(`aanhangsel`) from `ingezonden` to `ontvangen`.",
    "dossier_timelines": "Every current paper of a dossier in date order (`step` 1, 2, ...), with the dossier title.",
    "most_active_fracties": "Per fractie: speeches, words spoken and questions asked (`contributions` = speeches + questions).",
    "data_completeness": "How complete the data is per publication kind (`publicatienaam`) and day the source "
                         "changed it (`modified`): versions `listed` by the source, `archived` (every file "
                         "downloaded), `parsed` (text from xml or pdf), `published`, `held_back` (kept out of "
                         "the release, see `held_back_papers`) and `open_errors`; `is_complete` is false when a "
                         "listed version is not published or an error is open.",
    "held_back_papers": "Paper versions kept out of the release, with the reason: `why` is `contradicts_record` "
                        "(the served file is another paper than its SRU record) or `quality` (its rows failed a "
                        "critical expectation); `reason` says which and how.",
    "committee_composition": "Per committee, its members by fractie on the newest paper that lists them: "
                             "`committee`, `as_of` (that paper's date), `party` (`onbekend` when not printed), `members`.",
    "quality_summary": "Expectations of the newest validation run per table: `passed`, `failed`, "
                       "`critical_failed` (failures that block publishing), with the `run_id`.",
    "release_info": "The release being served: id, creation time, schema and pipeline version, source watermark.",
}


def _literal(text: str, dialect: Dialect) -> str:
    """`text` as a string literal of `dialect` (a view definition cannot take parameters)."""
    if dialect == "duckdb":
        return duckdb_literal(text)
    from psycopg import sql

    return sql.Literal(text).as_string()


def _in(values: tuple[str, ...] | list[str], dialect: Dialect) -> str:
    return "(" + ", ".join(_literal(v, dialect) for v in values) + ")"


def _labelled_date(label: str, dialect: Dialect) -> str:
    if dialect == "duckdb":
        return f"TRY_CAST(json_extract_string(dates_json, {_literal(f'$.{label}', dialect)}) AS DATE)"
    value = f"(dates_json::jsonb ->> {_literal(label, dialect)})"
    return f"CASE WHEN {value} ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$' THEN {value}::date END"


def _days(start: str, end: str, dialect: Dialect) -> str:
    return f"date_diff('day', {start}, {end})" if dialect == "duckdb" else f"({end} - {start})"


def dashboard_views(dialect: Dialect, party_codes: list[str]) -> dict[str, str]:
    """View name -> SELECT statement."""
    questions, answers, parties = (_in(v, dialect) for v in (QUESTION_TYPES, ANSWER_TYPES, party_codes))
    return {
        "documents_per_month": """
            SELECT CAST(date_trunc('month', document_date) AS DATE) AS month, document_type,
                   count(*) AS documents
            FROM documents
            WHERE is_current AND document_date IS NOT NULL
            GROUP BY 1, 2""",
        "answer_times": f"""
            SELECT a.dossier, q.identifier AS question_id, q.document_type AS question_type,
                   q.document_date AS asked_on, a.identifier AS answer_id, a.document_type AS answer_type,
                   a.document_date AS answered_on, {_days("q.document_date", "a.document_date", dialect)} AS days
            FROM documents a
            JOIN LATERAL (
                SELECT identifier, document_type, document_date FROM documents q
                WHERE q.is_current AND q.dossier = a.dossier AND q.document_type IN {questions}
                  AND q.document_date <= a.document_date
                ORDER BY q.document_date DESC, q.identifier DESC LIMIT 1
            ) q ON true
            WHERE a.is_current AND a.document_type IN {answers}
            UNION ALL
            SELECT dossier, identifier, document_type, asked_on, identifier, document_type, answered_on,
                   {_days("asked_on", "answered_on", dialect)}
            FROM (SELECT dossier, identifier, document_type,
                         {_labelled_date("ingezonden", dialect)} AS asked_on,
                         {_labelled_date("ontvangen", dialect)} AS answered_on
                  FROM documents WHERE is_current AND document_type = 'aanhangsel') aanhangsel
            WHERE asked_on IS NOT NULL AND answered_on IS NOT NULL""",
        "dossier_timelines": """
            SELECT d.dossier, d.title AS dossier_title, doc.document_date, doc.identifier, doc.document_type,
                   doc.title,
                   row_number() OVER (PARTITION BY d.dossier ORDER BY doc.document_date, doc.identifier) AS step
            FROM documents doc JOIN dossiers d ON d.dossier = doc.dossier
            WHERE doc.is_current""",
        "most_active_fracties": f"""
            SELECT party, sum(speeches) AS speeches, sum(words_spoken) AS words_spoken,
                   sum(questions) AS questions, sum(speeches) + sum(questions) AS contributions
            FROM (
                SELECT party, count(*) AS speeches, sum(word_count) AS words_spoken, 0 AS questions
                FROM speeches WHERE party IS NOT NULL GROUP BY party
                UNION ALL
                SELECT asked_by, 0, 0, count(*) FROM qa_pairs WHERE asked_by IN {parties} GROUP BY asked_by
            ) activity
            GROUP BY party""",
        "data_completeness": """
            SELECT publicatienaam, modified, count(*) AS listed, count(*) FILTER (WHERE archived) AS archived,
                   count(*) FILTER (WHERE parsed) AS parsed, count(*) FILTER (WHERE published) AS published,
                   count(*) FILTER (WHERE held_back <> '') AS held_back, sum(open_errors) AS open_errors,
                   count(*) FILTER (WHERE published) = count(*) AND sum(open_errors) = 0 AS is_complete
            FROM source_status
            GROUP BY publicatienaam, modified""",
        "held_back_papers": """
            SELECT document_version_id, identifier, version, publicatienaam, modified,
                   split_part(held_back, ':', 1) AS why, held_back AS reason
            FROM source_status
            WHERE held_back <> ''""",
        "committee_composition": """
            WITH lists AS (
                SELECT l.committee, l.document_version_id, doc.document_date,
                       row_number() OVER (PARTITION BY l.committee
                                          ORDER BY doc.document_date DESC NULLS LAST, doc.identifier DESC) AS recency
                FROM (SELECT DISTINCT committee, document_version_id FROM committee_members) l
                JOIN documents doc ON doc.document_version_id = l.document_version_id)
            SELECT l.committee, l.document_date AS as_of, coalesce(m.party, 'onbekend') AS party,
                   count(*) AS members
            FROM lists l JOIN committee_members m
              ON m.committee = l.committee AND m.document_version_id = l.document_version_id
            WHERE l.recency = 1
            GROUP BY l.committee, l.document_date, coalesce(m.party, 'onbekend')""",
        "quality_summary": """
            SELECT table_name, run_id, count(*) FILTER (WHERE success) AS passed,
                   count(*) FILTER (WHERE NOT success) AS failed,
                   count(*) FILTER (WHERE NOT success AND severity = 'critical') AS critical_failed
            FROM quality_results
            WHERE run_id = (SELECT run_id FROM quality_results ORDER BY validated_at DESC, run_id DESC LIMIT 1)
            GROUP BY table_name, run_id""",
    }
