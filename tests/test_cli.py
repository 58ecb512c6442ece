import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLE

from diagnostic.cli import main


def test_inspect_json_reports_counts_types_and_anomalies(capsys):
    rc = main(
        [
            "inspect",
            str(EXAMPLE / "export_kobo_acteurs.xlsx"),
            "--form",
            str(EXAMPLE / "formulaire_acteurs.xlsx"),
            "--json",
        ]
    )
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "kobo_xlsx"
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (150, 148, 2)
    assert report["respondents"] == 148
    q = {x["question_id"]: x for x in report["questions"]}
    assert q["besoins"]["type"] == "multiple" and "vehicules" in q["besoins"]["choices"]
    assert q["enjeu_sante"]["type"] == "likert"
    problems = [a["problem"] for a in report["anomalies"]]
    assert any(p.startswith("doublon") for p in problems)
    unresolved = [a["value"] for a in report["anomalies"] if "introuvable" in a["problem"]]
    # Bellême is a commune of the Orne (the example's geography), outside the territory:
    # found, not unresolved
    assert unresolved == ["le Perche"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["inspect", "absent.xlsx"], "absent.xlsx"),
        (["run", "absent.toml"], "absent.toml"),
    ],
)
def test_bad_input_exits_2_with_one_french_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "introuvable" in err and "Traceback" not in err


def test_project_with_unknown_setting(tmp_path, capsys):
    project = tmp_path / "p.toml"
    project.write_text(
        (EXAMPLE / "diagnostic.toml")
        .read_text()
        .replace('responses = "', f'responses = "{EXAMPLE}/')
        .replace('form = "', f'form = "{EXAMPLE}/')
        .replace('"geo/', f'"{EXAMPLE}/geo/')
        + "taille_min = 3\n"
    )
    assert main(["run", str(project), "-o", str(tmp_path / "out")]) == 2
    assert "réglage inconnu « taille_min »" in capsys.readouterr().err


def test_demo_command_writes_every_output(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "diagnostic.cli", "demo", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "150 lignes lues, 148 chargées, 2 rejetées" in done.stderr
    for name in (
        "diagnostic.xlsx",
        "diagnostic.html",
        "tables/issue_ranking.csv",
        "tables/opportunities.csv",
        "tables/actors.csv",
    ):
        assert (tmp_path / "out" / name).is_file(), name


def test_run_speaks_the_project_language(tmp_path, capsys):
    folder = tmp_path / "projet"
    shutil.copytree(EXAMPLE, folder)
    toml = folder / "diagnostic.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('language = "fr"', 'language = "en"'),
        encoding="utf-8",
    )
    assert main(["run", str(toml), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "export_kobo_acteurs.xlsx: 150 rows read, 148 loaded, 2 rejected" in err
    assert "148 actors, 11 issues" in err and "Written: " in err


def test_a_retired_setting_says_what_replaced_it():
    import pytest

    from diagnostic.errors import DiagnosticError
    from diagnostic.settings import Settings

    with pytest.raises(
        DiagnosticError, match="« max_exhaustive_pairs » n'existe plus.*max_reciprocal"
    ):
        Settings.from_mapping({"max_exhaustive_pairs": 1000}, file="diagnostic.toml")
    assert Settings.from_mapping({"max_reciprocal": 10}).max_reciprocal == 10


def _printed(code: str, env: dict | None = None) -> str:
    """What a fresh Python process running `code` prints."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout


def test_the_answers_parse_starts_before_pandas_is_imported():
    """`diagnostic run` reads the project file and starts parsing the answers (the parse
    ahead) before it imports pandas or numpy (issue 20: 0.2-0.4 s at M, the parse then
    runs while they are imported)."""
    code = (
        "import sys\n"
        "import diagnostic.cli\n"
        "from diagnostic._io.atomic import check_output_folder\n"
        "from diagnostic.project.file import read_project\n"
        f"project = read_project({str(EXAMPLE / 'diagnostic.toml')!r})\n"
        "from diagnostic._io.sheets import prefetch\n"
        "assert project.issue_indicators and project.surveys\n"
        "print('pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = _printed(code)
    assert out.split() == ["False", "False"]


def test_the_territory_context_is_the_function_however_it_was_imported():
    """`context` is a function of `diagnostic.territory.context`, a module of the same name;
    the package's names load on first use, so the door and the run take it from its module."""
    code = (
        "import diagnostic.territory.context as module\n"
        "import diagnostic, diagnostic.territory\n"
        "from diagnostic.project import run\n"
        "print(diagnostic.context is module.context, run.context is module.context,\n"
        "      diagnostic.territory.participation is module.participation)\n"
    )
    out = _printed(code)
    assert out.split() == ["True", "True", "True"]


def test_run_does_not_import_scipy_stats():
    """`diagnostic run` starts without scipy.stats (0.6 s of import, issue 20): the Wilson
    interval and Benjamini–Hochberg are written out in analysis.contrasts; the few analyses
    that need scipy.stats (workshop ranks, paroles, the explorer's network) import it when
    they are called."""
    code = (
        "import sys\n"
        "import diagnostic.cli, diagnostic.project.run, diagnostic.export\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = _printed(code)
    loaded = set(out.splitlines()[-1].split())
    assert "diagnostic.analysis.contrasts" in loaded and "diagnostic.export.workbook" in loaded
    assert {"scipy.stats", "statsmodels"} & loaded == set()
    # nor the writers' own libraries: a forked worker imports them when it writes
    # the workbook (xlsxwriter) or the network (networkx)
    assert {"xlsxwriter", "networkx"} & loaded == set()


@pytest.mark.parametrize("given, kept", [(None, "1"), ("2", "2")])
def test_the_command_runs_one_blas_thread_unless_told(given, kept):
    """The command sets one OpenBLAS thread before numpy loads (issue 20: the analyses'
    small products ran slower on several threads); a user's own setting is kept."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import os, diagnostic.cli, numpy\nprint(os.environ['OPENBLAS_NUM_THREADS'])\n"
    out = _printed(code, env)
    assert out.split() == [kept]


@pytest.mark.parametrize("given, enabled", [(None, False), ("1", True)])
def test_the_command_asks_no_huge_pages_for_numpy_unless_told(given, enabled):
    """The command turns numpy's request for transparent huge pages off before numpy loads
    (issue 20: at L, 6-8 s of system time waiting for the kernel to compact memory); a
    user's own NUMPY_MADVISE_HUGEPAGE is kept. numpy's switch returns its previous state."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    code = (
        "import diagnostic.cli, numpy\n"
        "print(bool(numpy._core.multiarray._set_madvise_hugepage(False)))\n"
    )
    out = _printed(code, env)
    assert out.split() == [str(enabled)]


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1),
    reason="the annex begun in a forked worker: Linux with two cores",
)
def test_an_error_in_the_analyses_stops_the_annex_begun_early(tmp_path, capsys, monkeypatch):
    """Above its size, the data annex starts in a worker as soon as the answers are loaded;
    an error in the analyses after that: one French line, exit 2, the worker stopped and
    nothing published."""
    import multiprocessing

    import diagnostic.export as export
    import diagnostic.project.run as run
    from diagnostic.errors import DiagnosticError
    from diagnostic.export import data_sheet

    folder = tmp_path / "projet"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    begun = []
    loaded = export.Outputs.loaded

    def spy(self, **tables):
        loaded(self, **tables)
        begun.append(self.early)

    def fails(*args, **kwargs):
        raise DiagnosticError("groupes impossibles")

    monkeypatch.setattr(export.Outputs, "loaded", spy)
    monkeypatch.setattr(run, "find_groups", fails)
    out = tmp_path / "out"
    assert main(["run", str(folder / "diagnostic.toml"), "-o", str(out)]) == 2
    assert "Erreur : groupes impossibles" in capsys.readouterr().err
    assert begun and begun[0] is not None  # the annex had begun in a worker
    assert not begun[0]._process.is_alive() and not multiprocessing.active_children()
    assert list(out.iterdir()) == []


def test_the_command_process_flushes_everything_before_it_ends(tmp_path):
    """`diagnostic` ends its process at once after `main` (`cli.entry`, issue 20: no
    interpreter teardown): what it printed reaches a pipe whole, its exit code is main's,
    and its outputs are published."""
    export = EXAMPLE / "export_kobo_acteurs.xlsx"
    inspected = subprocess.run(
        [sys.executable, "-m", "diagnostic.cli", "inspect", str(export), "--json"],
        capture_output=True,
        text=True,
    )
    assert inspected.returncode == 0
    report = json.loads(inspected.stdout)  # the whole JSON document, not a cut one
    assert report["rows_read"] == 150 and report["rows_rejected"] == 2
    failed = subprocess.run(
        [sys.executable, "-m", "diagnostic.cli", "run", str(tmp_path / "absent.toml")],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 2 and failed.stderr.startswith("Erreur : ")
