"""`diagnostic inspect FILE [--form F] --json` on real exports of every platform."""

import json

import pytest

from diagnostic.cli import main

S = "surveys/"


@pytest.mark.parametrize(
    "file, form, fmt, rows, respondents",
    [
        (
            S + "kobo_kobocruncher_sample/data.xlsx",
            S + "kobo_kobocruncher_sample/sample_xlsform.xlsx",
            "kobo_xlsx",
            5,
            5,
        ),
        (
            S + "kobo_kobocruncher_sample/data_likert.xlsx",
            S + "kobo_kobocruncher_sample/form_likert.xlsx",
            "kobo_xlsx",
            120,
            120,
        ),
        (
            S + "kobo_epfl_abidjan_2022/household_data_abidjan.csv",
            S + "kobo_epfl_abidjan_2022/Abidjan_2022.xls",
            "kobo_csv",
            567,
            567,
        ),
        (
            S + "limesurvey_rse_nl_2017/public_data.csv",
            S + "limesurvey_rse_nl_2017/questions_to_import.txt",
            "limesurvey_csv",
            77,
            77,
        ),
        (
            S + "limesurvey_unil_journees_patrimoine/results-survey4914.xlsx",
            None,
            "limesurvey_xlsx",
            348,
            348,
        ),
        (S + "kobo_epfl_abidjan_2022/individual_data_abidjan.csv", None, "kobo_csv", 2498, 2498),
    ],
)
def test_inspect_json(shared, capsys, file, form, fmt, rows, respondents):
    argv = ["inspect", str(shared / file), "--json"] + (
        ["--form", str(shared / form)] if form else []
    )
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == fmt
    assert report["rows_read"] == rows
    assert report["respondents"] == respondents
    assert report["rows_read"] == report["rows_loaded"] + report["rows_rejected"]
    assert report["questions"] and all("choices" in q for q in report["questions"])


def test_inspect_text_names_the_format(shared, capsys):
    folder = shared / "surveys" / "limesurvey_rse_nl_2017"
    assert (
        main(
            [
                "inspect",
                str(folder / "public_data.csv"),
                "--form",
                str(folder / "questions_to_import.txt"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Format détecté : limesurvey_csv (export de réponses LimeSurvey (CSV))" in out
    assert "Lignes lues : 77, chargées : 77, rejetées : 0" in out
    assert "Colonnes rattachées à une question : 130 (par code 130) ; non reconnues : 0" in out


def test_inspect_bad_file_exits_2_without_traceback(tmp_path, capsys):
    path = tmp_path / "questions.txt"
    path.write_text("n'importe quoi\n")
    assert main(["inspect", str(tmp_path / "export.csv"), "--form", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "Traceback" not in err


def test_inspect_reports_repeat_answers_loaded(shared, capsys):
    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    assert (
        main(
            [
                "inspect",
                str(folder / "data.xlsx"),
                "--form",
                str(folder / "sample_xlsform.xlsx"),
                "--json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["repeats"] == {"members": 12}
    assert report["repeat_groups"] == [
        {
            "name": "members",
            "file": "data.xlsx, feuille members",
            "rows_read": 12,
            "rows_loaded": 12,
            "rows_rejected": 0,
            "answers": 24,
        }
    ]
    assert report["repeat_answers"] == 24
    repeat_of = {q["question_id"]: q["repeat"] for q in report["questions"]}
    assert repeat_of["age"] == repeat_of["sex"] == "members" and repeat_of["HHSize"] is None
    assert (
        main(["inspect", str(folder / "data.xlsx"), "--form", str(folder / "sample_xlsform.xlsx")])
        == 0
    )
    assert (
        "Répétition members : 12 lignes lues, 12 chargées, 0 rejetées ; 24 réponses chargées"
    ) in capsys.readouterr().out


def test_inspect_imports_only_what_it_needs():
    """`diagnostic inspect` starts fast (issue 20): reading a CSV export without its form
    imports pandas, not the analyses, the exports, the territory, the questionnaire readers
    or the libraries only they use (progress bars, fuzzy matching, figures, statistics)."""
    import subprocess
    import sys
    from pathlib import Path

    export = Path(__file__).parent / "corpus" / "qualtrics_sample_v3" / "sample.csv"
    code = (
        "import sys\n"
        "from diagnostic.cli import main\n"
        f"main(['inspect', {str(export)!r}])\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(out.splitlines()[-1].split())
    heavy = {
        "tqdm",
        "rapidfuzz",
        "plotly",
        "matplotlib",
        "scipy",
        "statsmodels",
        "networkx",
        "xlsxwriter",
        "openpyxl",
        "diagnostic.analysis",
        "diagnostic.export",
        "diagnostic.project",
        "diagnostic.territory",
        "diagnostic.forms.limesurvey",
        "diagnostic.forms.xlsform",
    }
    assert "pandas" in loaded and "diagnostic.readers" in loaded
    assert heavy & loaded == set()
