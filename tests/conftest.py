import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import settings

import diagnostic
from diagnostic.project.file import DECISIONS_FILE

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
EXAMPLE = ROOT / "data" / "example"

# No time limit on a property example: speed is measured by `make bench`, never by a test
# (a loaded machine made the 200 ms default fail at random).
settings.register_profile("diagnostic", deadline=None)
settings.load_profile("diagnostic")


@pytest.fixture(scope="session")
def shared() -> Path:
    assert SHARED.is_dir(), f"../shared/data is missing beside the checkout ({SHARED})"
    return SHARED


@pytest.fixture(scope="session")
def example_diag():
    return diagnostic.run_diagnostic(diagnostic.read_project(diagnostic.example_project()))


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory, example_diag):
    out = tmp_path_factory.mktemp("out")
    diagnostic.write_outputs(example_diag, out)
    return out


#: Blocks of the example's project file that tests adding their own must leave out.
OPTIONAL_BLOCKS = ("[[indicators]]", "[issue_indicators]", "[workshop]")


def bare_example(folder: Path) -> Path:
    """Copy the example project into `folder` without its INSEE indicators, its links to
    issues, its workshop (``OPTIONAL_BLOCKS``) and its contours, for a test that adds its
    own; return the copy's project file."""
    shutil.copytree(EXAMPLE, folder)
    toml = folder / "diagnostic.toml"
    blocks = toml.read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if not b.lstrip().startswith(OPTIONAL_BLOCKS)]
    text = "\n".join(x for x in "\n\n".join(kept).split("\n") if not x.startswith("boundaries"))
    toml.write_text(text, encoding="utf-8")
    # its workshop's decisions too: a project without [workshop] projects reads this file
    (folder / DECISIONS_FILE).unlink()
    return toml


#: The first columns of a LimeSurvey structure (.txt, LimeSurvey's tsvSurveyExport), in order;
#: a question type's own attributes (``max_subquestions``, ``dualscale_headerA``…) follow.
LIMESURVEY_TXT_COLUMNS = (
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
)


def write_limesurvey_txt(path: Path, rows: list[list[str]], attributes=()) -> Path:
    """Write a LimeSurvey structure .txt as LimeSurvey does (UTF-8 with BOM, tab-separated):
    the columns `LIMESURVEY_TXT_COLUMNS` then `attributes`, each row padded to them."""
    head = [*LIMESURVEY_TXT_COLUMNS, *attributes]
    lines = ["\t".join(head)] + ["\t".join(r + [""] * (len(head) - len(r))) for r in rows]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsform(path: Path, survey: list[list], choices: list[list], settings=()) -> Path:
    """Write an XLSForm: its ``survey`` and ``choices`` sheets (header row first), and a
    ``settings`` sheet when `settings` has rows; return `path`."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "survey"
    sheets = [wb.active, wb.create_sheet("choices")]
    if settings:
        sheets.append(wb.create_sheet("settings"))
    for ws, rows in zip(sheets, (survey, choices, settings)):
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def example_people():
    """Names, contact person, e-mail, phone and consent of each respondent of the example,
    read from its export with openpyxl (not through the library); with the names whose
    consent is « oui », and the others."""
    import pandas as pd
    from openpyxl import load_workbook

    ws = load_workbook(EXAMPLE / "export_kobo_acteurs.xlsx", read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head = {h: i for i, h in enumerate(rows[0])}
    people = pd.DataFrame(
        [
            {
                "name": r[head["identite/nom_structure"]],
                "person": r[head["identite/contact_nom"]],
                "email": r[head["identite/contact_email"]],
                "phone": r[head["identite/telephone"]],
                "consent": r[head["cooperation/accord_nom"]],
            }
            for r in rows[1:]
            if r[head["identite/nom_structure"]]
        ]
    )
    yes = set(people.loc[people["consent"] == "oui", "name"])
    return people, yes, set(people["name"]) - yes  # a name both given and refused: allowed


def likert_responses(rows):
    """The issue responses of `rows` (actor_id, actor_type, issue_id, level 1..5), as
    `issue_responses` gives them: the two top levels support."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=["actor_id", "actor_type", "issue_id", "level"])
    return df.assign(
        label=df["issue_id"].str.upper(),
        theme="t",
        levels=5,
        level=df["level"].astype("Float64"),
        supports=df["level"] >= 4,
    )


def example_with_cells(folder: Path, cells: dict) -> Path:
    """Copy the example project into `folder` and write `cells` into its export, each
    ``(row, column header): value`` (row 1 is the header); return `folder`."""
    from openpyxl import load_workbook

    shutil.copytree(EXAMPLE, folder)
    path = folder / "export_kobo_acteurs.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    column = {c.value: c.column for c in ws[1]}
    for (row, header), value in cells.items():
        ws.cell(row, column[header]).value = value
    wb.save(path)
    return folder


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc, timeout: float, log: Path | None = None) -> None:
    """Wait until `proc` (a server with its output piped, or written to `log`) listens on
    `port`; fail with its last output if it stops first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            output = log.read_text(encoding="utf-8") if log else proc.stdout.read()
            pytest.fail(f"Voila s'est arrêté (code {proc.returncode}) : {output[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"Voila n'écoute pas sur le port {port} après {timeout:.0f} s")


def stop_process(proc, seconds: float) -> None:
    """Stop a server started by a test: SIGTERM, then SIGKILL after `seconds`."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
