"""A corpus of real public exports (issue 14): what a careful reader finds in each file.

Every directory of ``tests/corpus/`` holds one real export (see ``tests/corpus/SOURCES.md``)
and an ``expected.toml`` written by hand from the file itself, never from our output:

- ``platform``: the platform whose own columns the file shows (``kobo``, ``odk``,
  ``limesurvey``, ``google_forms``, ``webform``…; ``table`` when none is left, even if the
  answers came from a platform: that is ``origin``);
- ``rows``: data rows in the file (header lines excluded);
- ``respondents``: the rows that are real, complete responses;
- ``questions``: the questions the survey asked, counted with these conventions: each row of
  a grid is a question, a question stored in one column per option (checkboxes, grid cells)
  is one question, an « other, please specify » text is a question of its own (text), a
  display text without answers is not a question, platform columns
  (timestamps, ids, timings, status, Qualtrics topics…) are not questions, and neither are
  the personal columns listed below (name, e-mail, IP address…), which must become ``contact``;
- ``[types]``: column header (or question name) -> single | multiple | likert | numeric | text
  | date;
- ``[scales]``: column header -> the levels of an ordered scale, low to high (non-answers such
  as « Ne connais pas » are not levels and are not listed);
- ``[personal]``: ``columns`` holding personal data; their values must never reach a funder
  output (workbook XML, HTML, CSV, GEXF), ``ignore_values`` are values that identify nobody.

Each file is read with ``diagnostic inspect --json`` and run through ``diagnostic run`` on a
minimal project (the example's geography). A check that fails today is listed in
``DEFECTS`` with the defect it shows: it is marked ``xfail(strict=True)``, so the list of
remaining defects stays explicit and a fixed defect must be taken off the list.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from diagnostic.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXAMPLE_COMMUNES = (
    Path(__file__).resolve().parents[2] / "data" / "example" / "geo" / "communes.json"
)
DIRS = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").exists())

pytestmark = pytest.mark.corpus

#: (corpus directory, check) -> the defect the check shows today. Take a line off when the
#: defect is fixed (the strict xfail then fails, on purpose).
DEFECTS: dict[tuple[str, str], str] = {}

CHECKS = (
    "inspect",
    "platform",
    "rows",
    "respondents",
    "questions",
    "types",
    "scales",
    "personal_roles",
    "anomalies",
    "one_type",
    "run",
    "run_personal",
)


def _expected(name: str) -> dict:
    with open(CORPUS / name / "expected.toml", "rb") as f:
        return tomllib.load(f)


def _call(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


_INSPECTED: dict[str, tuple[int, str, str]] = {}
_RUNS: dict[str, tuple[int, str, str, Path]] = {}


def _inspect(name: str) -> tuple[int, str, str]:
    if name not in _INSPECTED:
        exp = _expected(name)
        _INSPECTED[name] = _call(["inspect", "--json", str(CORPUS / name / exp["file"])])
    return _INSPECTED[name]


def _report(name: str) -> dict:
    code, out, err = _inspect(name)
    if code != 0:
        pytest.fail(f"inspect refused the file (exit {code}): {err.strip()}")
    return json.loads(out)


def _run(name: str, tmp_root: Path) -> tuple[int, str, str, Path]:
    if name not in _RUNS:
        exp = _expected(name)
        folder = tmp_root / name
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / "diagnostic.toml"
        project.write_text(
            f"title = {json.dumps('Corpus : ' + name)}\n"
            f"language = {json.dumps(exp.get('language', 'fr'))}\n"
            "territory = []\n\n[[survey]]\n"
            f"responses = {json.dumps(str(CORPUS / name / exp['file']))}\n\n"
            f"[geography]\ncommunes = {json.dumps(str(EXAMPLE_COMMUNES))}\n",
            encoding="utf-8",
        )
        out = folder / "out"
        _RUNS[name] = (*_call(["run", str(project), "-o", str(out)]), out)
    return _RUNS[name]


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus_runs")


def _question_of(report: dict, key: str) -> dict | None:
    """The question a column header (or a question name or label) of the file holds."""
    by_id = {q["question_id"]: q for q in report["questions"]}
    for c in report["columns"]:
        if str(c["column"]).strip() == key.strip() and c["question_id"] in by_id:
            return by_id[c["question_id"]]
    if key in by_id:
        return by_id[key]
    for q in report["questions"]:
        if q["label"] == key:
            return q
    # a question stored in one column per option (``key/option``, ``key.option``,
    # ``key[option]``) or a header joined with a second header line (``key [Response]``)
    for c in report["columns"]:
        col = str(c["column"])
        if c["question_id"] in by_id and any(
            col.startswith(key + s) for s in ("/", ".", "[", " [")
        ):
            return by_id[c["question_id"]]
    return None


def _personal_values(name: str) -> dict[str, set[str]]:
    """The values of the personal columns, read from the file by pandas (not by diagnostic)."""
    exp = _expected(name)
    personal = exp.get("personal", {})
    columns = personal.get("columns", [])
    if not columns:
        return {}
    path = CORPUS / name / exp["file"]
    above = exp.get("lines_above_header", 0)
    skip = [*range(above), *range(above + 1, above + exp.get("header_rows", 1))]
    if path.suffix.lower() in (".xlsx", ".xls"):
        frame = pd.read_excel(path, dtype=str, skiprows=skip, engine="openpyxl")
    else:
        frame = pd.read_csv(
            path,
            dtype=str,
            skiprows=skip,
            sep=exp.get("separator", ","),
            encoding=exp.get("encoding", "utf-8-sig"),
        )
    ignore = {str(v).casefold() for v in personal.get("ignore_values", [])}
    values = {}
    for col in columns:
        vals = frame[col].dropna().astype(str).str.strip()
        values[col] = {v for v in vals if len(v) >= 5 and v.casefold() not in ignore}
    return values


def _output_texts(outdir: Path) -> dict[str, str]:
    """Every funder output as text: workbook XML parts, HTML, CSV, GEXF, JSON…"""
    texts = {}
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        if path.suffix.lower() == ".xlsx":
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    if member.endswith(".xml"):
                        raw = z.read(member).decode("utf-8", "replace")
                        texts[f"{path.name}:{member}"] = html.unescape(raw)
        elif path.suffix.lower() in (".html", ".htm", ".csv", ".gexf", ".json", ".txt", ".md"):
            texts[path.name] = html.unescape(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def check_inspect(name: str, exp: dict, runs_root: Path) -> None:
    code, _out, err = _inspect(name)
    assert code in (0, 2), f"exit {code}: {err}"
    if code == 2:
        assert err.startswith("Erreur"), err


def check_platform(name: str, exp: dict, runs_root: Path) -> None:
    """The platform a reader recognises in the file's own columns (not where it came from:
    an export whose platform columns were dropped is a plain table)."""
    fmt = _report(name)["format"]
    assert fmt.rsplit("_", 1)[0] == exp["platform"], f"detected {fmt}, file is {exp['platform']}"


def check_rows(name: str, exp: dict, runs_root: Path) -> None:
    """Every data row of the file read, and read = loaded + rejected (no silent loss)."""
    report = _report(name)
    read, loaded, rejected = (report[k] for k in ("rows_read", "rows_loaded", "rows_rejected"))
    assert read == loaded + rejected, f"read {read} != loaded {loaded} + rejected {rejected}"
    assert read == exp["rows"], f"{read} rows read, {exp['rows']} data rows in the file"


def check_respondents(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    assert report["respondents"] == exp["respondents"], (
        f"{report['respondents']} respondents, {exp['respondents']} in the file "
        f"(rows read {report['rows_read']}, loaded {report['rows_loaded']}, "
        f"rejected {report['rows_rejected']})"
    )


def check_questions(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    asked = [q for q in report["questions"] if q["role"] != "contact"]
    assert len(asked) == exp["questions"], (
        f"{len(asked)} questions, {exp['questions']} in the file: "
        f"{[q['question_id'] for q in asked][:40]}"
    )


def check_types(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    wrong = {}
    for key, qtype in exp.get("types", {}).items():
        q = _question_of(report, key)
        got = q["type"] if q else "(no question)"
        if got != qtype:
            wrong[key] = (got, qtype)
    assert not wrong, f"type found vs expected: {wrong}"


def check_scales(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    wrong = {}
    for key, levels in exp.get("scales", {}).items():
        q = _question_of(report, key)
        if q is None:
            wrong[key] = "(no question)"
            continue
        got = [c for c in q["choices"] if c in levels]
        if got != levels:
            wrong[key] = got or q["choices"]
    assert not wrong, f"levels in the wrong order or missing: {wrong}"


def check_personal_roles(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    by_id = {q["question_id"]: q for q in report["questions"]}
    leaks = {}
    for col in exp.get("personal", {}).get("columns", []):
        mapped = [c for c in report["columns"] if str(c["column"]).strip() == col.strip()]
        for c in mapped:
            q = by_id.get(c["question_id"])
            if q is not None and q["role"] != "contact":
                leaks[col] = f"{q['question_id']} role {q['role']}"
    assert not leaks, f"personal columns read as questions: {leaks}"


def check_anomalies(name: str, exp: dict, runs_root: Path) -> None:
    report = _report(name)
    n = len(report["anomalies"])
    limit = exp.get("max_anomalies", 100)
    assert n < limit, f"{n} anomaly lines (limit {limit}): " + "; ".join(
        sorted({a["problem"] for a in report["anomalies"]})[:5]
    )


_GUESSED = re.compile(r"type « (\w+) » déduit des réponses(?: \((\d+) colonnes : (.*)\))?")


def check_one_type(name: str, exp: dict, runs_root: Path) -> None:
    """A type guessed without a form is the type `inspect` lists: each line "type « t »
    déduit des réponses (n colonnes : « a », …)" counts the questions of type t and names
    some of them."""
    report = _report(name)
    types: dict[str, list[str]] = {}
    for q in report["questions"]:
        types.setdefault(q["type"], []).append(q["label"])
    # a question is named by its label, or by one of its columns or their code (LimeSurvey
    # « code. text » headings)
    names = {t: set(labels) for t, labels in types.items()}
    qtype_of = {q["question_id"]: q["type"] for q in report["questions"]}
    for c in report["columns"]:
        if c["question_id"] in qtype_of:
            column = str(c["column"])
            names[qtype_of[c["question_id"]]] |= {column, column.split(". ", 1)[0]}
    wrong = []
    for a in report["anomalies"]:
        match = _GUESSED.search(a["problem"])
        if not match:
            continue
        qtype, count, shown = match.groups()
        labels = re.findall(r"« (.*?) »", shown) if shown else [a["column"]]
        if int(count or 1) != len(types.get(qtype, [])):
            wrong.append(
                f"{qtype}: {count or 1} in the anomalies, {len(types.get(qtype, []))} listed"
            )
        wrong += [
            f"{label} is not {qtype}" for label in labels if label not in names.get(qtype, set())
        ]
    assert not wrong, wrong


def check_run(name: str, exp: dict, runs_root: Path) -> None:
    code, _out, err, _outdir = _run(name, runs_root)
    assert code == 0, f"diagnostic run stopped (exit {code}): {err.strip()[-400:]}"


def check_run_personal(name: str, exp: dict, runs_root: Path) -> None:
    values = _personal_values(name)
    code, _out, err, outdir = _run(name, runs_root)
    assert code == 0, f"no outputs to check (exit {code}): {err.strip()[-300:]}"
    texts = _output_texts(outdir)
    assert texts, "no funder output written"
    found = {
        (col, v, where)
        for col, vals in values.items()
        for v in vals
        for where, text in texts.items()
        if v in text
    }
    assert not found, f"personal values in funder outputs: {sorted(found)[:5]}"


def _cases():
    for name in DIRS:
        for check in CHECKS:
            marks = ()
            if (name, check) in DEFECTS:
                marks = (pytest.mark.xfail(reason=DEFECTS[name, check], strict=True),)
            yield pytest.param(name, check, marks=marks, id=f"{name}-{check}")


@pytest.mark.parametrize(("name", "check"), list(_cases()))
def test_corpus(name: str, check: str, runs_root: Path) -> None:
    globals()[f"check_{check}"](name, _expected(name), runs_root)


def test_corpus_is_documented() -> None:
    """Every corpus directory has its file, its expectations and a SOURCES.md entry."""
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    assert len(DIRS) >= 15
    for name in DIRS:
        exp = _expected(name)
        assert (CORPUS / name / exp["file"]).is_file(), name
        assert f"`{name}/`" in sources, f"{name} missing from SOURCES.md"
        for key in ("platform", "rows", "respondents", "questions", "licence", "language"):
            assert key in exp, f"{name}: expected.toml lacks {key}"
