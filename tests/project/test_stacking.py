"""Several questionnaires in one diagnostic: equivalent questions stacked under one id."""

import pandas as pd
import pytest
from conftest import write_xlsform
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook

import diagnostic
from diagnostic import DiagnosticError
from diagnostic.anomalies import RowAccount
from diagnostic.project.equivalence import Questionnaire, match_questions
from diagnostic.project.stacking import stack_surveys
from diagnostic.schemas import conform

GEO = diagnostic.example_project().parent / "geo" / "communes.json"
IMPORTANCE = [
    ("1", "Pas du tout"),
    ("2", "Peu"),
    ("3", "Moyennement"),
    ("4", "Important"),
    ("5", "Très important"),
]
ASSOS_FORM = (
    [
        ["text", "commune", "Commune de l'association", "commune"],
        [
            "select_one importance",
            "enjeu_mobilite",
            "Importance pour votre association : Mobilité et transports",
            "issue_importance",
        ],
        [
            "select_one importance",
            "enjeu_logement",
            "Importance pour votre association : Logement",
            "issue_importance",
        ],
        [
            "select_one importance",
            "enjeu_sante",
            "Importance pour votre association : Accès aux soins",
            "issue_importance",
        ],
        ["select_one volonte", "volonte", "Prête à coopérer ?", "cooperation"],
        ["select_multiple ressources", "besoins", "Besoins", "need"],
    ],
    [["importance", v, label] for v, label in IMPORTANCE]
    + [["importance", "nsp", "Ne sait pas"]]
    + [
        ["volonte", "oui", "Oui"],
        ["volonte", "peut_etre", "Peut-être"],
        ["volonte", "non", "Non"],
        ["ressources", "locaux", "Locaux"],
        ["ressources", "vehicules", "Véhicules"],
        ["ressources", "benevoles", "Bénévoles"],
    ],
)
COMMUNES_FORM = (
    [
        ["text", "commune_siege", "Commune", "commune"],
        [
            "select_one echelle",
            "enj_mob",
            "Importance pour votre commune : Mobilité et transports",
            "issue_importance",
        ],
        [
            "select_one echelle",
            "q_habitat",
            "Importance pour votre commune : Habitat",
            "issue_importance",
        ],
        [
            "select_one echelle",
            "enjeu_sante",
            "Importance pour votre commune : Accès aux soins",
            "issue_importance",
        ],
        ["select_one oui_non", "cooperer", "Votre commune coopérerait-elle ?", "cooperation"],
        ["select_multiple ressources", "besoins", "Besoins de la commune", "need"],
    ],
    [["echelle", v, label] for v, label in IMPORTANCE]
    + [
        ["oui_non", "oui", "Oui, volontiers"],
        ["oui_non", "non", "Non"],
        ["ressources", "locaux", "Locaux"],
        ["ressources", "vehicules", "Véhicules"],
        ["ressources", "salle", "Salle polyvalente"],
    ],
)
ASSOS = (
    ["commune", "enjeu_mobilite", "enjeu_logement", "enjeu_sante", "volonte", "besoins"],
    [
        ["Mortagne-au-Perche", "5", "2", "4", "oui", "locaux"],
        ["Mortagne-au-Perche", "4", "2", "4", "non", "vehicules benevoles"],
        ["Mortagne-au-Perche", "3", "4", "4", "oui", None],
        ["Mortagne-au-Perche", "nsp", "5", "2", "peut_etre", "locaux"],
        ["Mortagne-au-Perche", "5", "1", None, "oui", None],
    ],
)
COMMUNES = (
    ["commune_siege", "enj_mob", "q_habitat", "enjeu_sante", "cooperer", "besoins"],
    [
        ["Mortagne-au-Perche", "5", "5", "3", "oui", "salle"],
        ["Mortagne-au-Perche", "5", "4", "5", "oui", "locaux salle"],
        ["Mortagne-au-Perche", "2", "4", "5", "non", None],
        ["Mortagne-au-Perche", "2", "1", "5", "oui", "vehicules"],
    ],
)


def _xlsform(path, survey, choices):
    header = ["type", "name", "label", "diagnostic"]
    write_xlsform(path, [header, *survey], [["list_name", "name", "label"], *choices])


def _kobo(path, header, rows, prefix):
    wb = Workbook()
    ws = wb.active
    ws.append([*header, "_uuid", "_submission_time", "_index"])
    for i, row in enumerate(rows, start=1):
        ws.append([*row, f"{prefix}-{i}", "2026-10-01T10:00:00", i])
    wb.save(path)


def _project(tmp_path, same_as="") -> diagnostic.Project:
    _xlsform(tmp_path / "form_assos.xlsx", *ASSOS_FORM)
    _xlsform(tmp_path / "form_communes.xlsx", *COMMUNES_FORM)
    _kobo(tmp_path / "assos.xlsx", *ASSOS, "a")
    _kobo(tmp_path / "communes.xlsx", *COMMUNES, "c")
    path = tmp_path / "diagnostic.toml"
    path.write_text(
        f"""
territory = ["200036069"]
[[survey]]
name = "associations"
responses = "assos.xlsx"
form = "form_assos.xlsx"
actor_type = "association"
[[survey]]
name = "communes"
responses = "communes.xlsx"
form = "form_communes.xlsx"
actor_type = "collectivite"
{same_as}
[geography]
communes = "{GEO.as_posix()}"
epci = "{(GEO.parent / "epci.json").as_posix()}"
[settings]
min_group_size = 2
""",
        encoding="utf-8",
    )
    return diagnostic.read_project(path)


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    project = _project(
        tmp_path_factory.mktemp("mapped"), 'same_as = { q_habitat = "enjeu_logement" }'
    )
    return diagnostic.run_diagnostic(project)


def test_stacked_questions_and_no_answer_lost(mapped):
    assert mapped.questions["question_id"].tolist() == [
        "commune",
        "enjeu_mobilite",
        "enjeu_logement",
        "enjeu_sante",
        "volonte",
        "besoins",
        "besoins_communes",
    ]
    qmap = mapped.question_map[mapped.question_map["survey"] == "communes"]
    assert dict(zip(qmap["question_id"], zip(qmap["canonical_id"], qmap["rule"]))) == {
        "commune_siege": ("commune", "role"),
        "enj_mob": ("enjeu_mobilite", "label"),
        "q_habitat": ("enjeu_logement", "same_as"),
        "enjeu_sante": ("enjeu_sante", "id"),
        "cooperer": ("volonte", "role"),
        "besoins": ("besoins_communes", "conflict"),
    }
    # 5 + 4 communes, 4 + 4 + 3 + 3 Likert answers on the associations' side, 4 × 3 on the
    # communes' side, one per cooperation answer, 5 + 4 ticked needs
    counts = mapped.answers["question_id"].value_counts().to_dict()
    assert counts == {
        "commune": 9,
        "enjeu_mobilite": 9,
        "enjeu_logement": 9,
        "enjeu_sante": 8,
        "volonte": 9,
        "besoins": 4,
        "besoins_communes": 4,
    }
    assert len(mapped.answers) == 52
    assert mapped.choices.loc[mapped.choices["list_name"] == "volonte", "value"].tolist() == [
        "oui",
        "peut_etre",
        "non",
    ]


def test_stacked_issues_compare_both_actor_types(mapped):
    matrix = mapped.group_matrix.set_index(["issue_id", "actor_type"])
    # mobility: 5, 4, (3), nsp, 5 for the associations; 5, 5, (2), (2) for the communes
    assert matrix.loc["enjeu_mobilite", ["respondents", "supporters"]].values.tolist() == [
        [4, 3],
        [4, 2],
    ]
    assert matrix.loc[("enjeu_logement", "collectivite"), "support"] == 0.75
    assert matrix.loc[("enjeu_logement", "association"), "support"] == 0.4
    ranking = mapped.issue_ranking.set_index("issue_id")
    assert ranking.loc["enjeu_mobilite", ["respondents", "support"]].tolist() == [8, 5 / 8]
    assert ranking.loc["enjeu_logement", ["respondents", "support"]].tolist() == [9, 5 / 9]
    assert ranking.loc["enjeu_sante", ["respondents", "support"]].tolist() == [8, 6 / 8]
    assert ranking.loc["enjeu_logement", "label"] == "Logement"
    by_type = mapped.rank_issues(["collectivite"]).set_index("issue_id")
    assert by_type.loc["enjeu_mobilite", "support"] == 0.5


def test_every_decision_is_reported(mapped):
    found = mapped.anomalies[mapped.anomalies["file"] == "communes.xlsx"]
    assert found[["column", "value", "action"]].values.tolist() == [
        ["commune_siege", "commune", "rapprochée"],
        ["enj_mob", "enjeu_mobilite", "rapprochée"],
        ["q_habitat", "enjeu_logement", "rapprochée"],
        ["enjeu_sante", "enjeu_sante", "rapprochée"],
        ["cooperer", "oui", "conservé"],
        ["cooperer", "volonte", "rapprochée"],
        ["besoins", "besoins_communes", "gardée à part"],
    ]
    problems = found["problem"].tolist()
    assert problems[1] == (
        "question « enj_mob » du questionnaire « communes » rapprochée de « enjeu_mobilite » du "
        "questionnaire « associations » (même libellé ; libellés : « Importance pour votre "
        "association : Mobilité et transports » / « Importance pour votre commune : Mobilité "
        "et transports »)"
    )
    assert "(correspondance indiquée dans le projet (same_as)" in problems[2]
    assert "« Oui, volontiers » dans le questionnaire « communes », « Oui »" in problems[4]
    assert problems[6].startswith(
        "la question « besoins » du questionnaire « communes » porte le même identifiant"
    )
    assert "listes différentes (valeurs propres à l'une : benevoles, salle)" in problems[6]


def test_without_mapping_a_differently_worded_issue_stays_apart(tmp_path):
    diag = diagnostic.run_diagnostic(_project(tmp_path))
    assert "q_habitat" in set(diag.questions["question_id"])
    matrix = diag.group_matrix
    assert matrix.loc[matrix["issue_id"] == "enjeu_logement", "actor_type"].tolist() == [
        "association"
    ]
    assert matrix.loc[matrix["issue_id"] == "q_habitat", "actor_type"].tolist() == ["collectivite"]
    assert len(diag.answers) == 52


@pytest.mark.parametrize(
    "same_as, message",
    [
        (
            'same_as = { inconnue = "enjeu_logement" }',
            r"diagnostic\.toml.*same_as\.inconnue.*« inconnue » n'existe pas",
        ),
        (
            'same_as = { q_habitat = "enjeu_absent" }',
            r"diagnostic\.toml.*same_as\.q_habitat.*« enjeu_absent » n'est la question d'aucun",
        ),
        (
            'same_as = { commune_siege = "enjeu_logement" }',
            r"same_as\.commune_siege.*types différents \(likert / text\)",
        ),
        (
            'same_as = { q_habitat = "enjeu_logement", enj_mob = "enjeu_logement" }',
            r"deux questions sont rapprochées de « enjeu_logement »",
        ),
        ('same_as = "enjeu_logement"', r"« same_as » associe chaque question"),
    ],
)
def test_bad_mappings_are_french_errors(tmp_path, same_as, message):
    with pytest.raises(DiagnosticError, match=message):
        diagnostic.run_diagnostic(_project(tmp_path, same_as))


def _form(rows, choices):
    questions = pd.DataFrame(rows, columns=["question_id", "label", "type", "list_name", "role"])
    lists = pd.DataFrame(choices, columns=["list_name", "value", "label"])
    lists["order"] = lists.groupby("list_name").cumcount() + 1
    lists["is_missing_code"] = lists["value"].eq("nsp")
    return conform(questions, "questions"), conform(lists, "choices")


FIVE = [("s", v, v) for v in "12345"]
FOUR = [("s4", v, v) for v in "1234"]


@pytest.mark.parametrize(
    "second, choices, expected",
    [
        # same id, same scale but for "don't know": stacked
        (
            ("q1", "Logement", "likert", "s", "issue_importance"),
            FIVE + [("s", "nsp", "NSP")],
            ("q1", "id"),
        ),
        # same id, a 4-level scale against a 5-level one: kept apart
        (("q1", "Logement", "likert", "s4", "issue_importance"), FOUR, ("q1_b", "conflict")),
        # another id, same label but for case, accents and punctuation: stacked
        (("x9", "LOGEMENT !", "likert", "s", "issue_importance"), FIVE, ("q1", "label")),
        # another id, another label: a question of its own
        (("x9", "Emploi", "likert", "s", "issue_importance"), FIVE, ("x9", "new")),
        # one id, issue labels sharing a word: stacked; sharing none (generic codes): apart
        (("q1", "Logement des jeunes", "likert", "s", "issue_importance"), FIVE, ("q1", "id")),
        (("q1", "Emploi", "likert", "s", "issue_importance"), FIVE, ("q1_b", "conflict")),
    ],
)
def test_match_rules_on_inline_forms(second, choices, expected):
    first = Questionnaire(
        "a", "a.xlsx", *_form([("q1", "Logement", "likert", "s", "issue_importance")], FIVE)
    )
    found = match_questions([first, Questionnaire("b", "b.xlsx", *_form([second], choices))])
    row = found.question_map.iloc[1]
    assert (row["canonical_id"], row["rule"]) == expected


def test_same_role_needs_compatible_lists():
    first = Questionnaire(
        "a",
        "a.xlsx",
        *_form(
            [
                ("type", "Type", "single", "t", "actor_type"),
                ("sect", "Secteur", "single", "s", "sector"),
            ],
            [("t", "asso", "Asso"), ("t", "scic", "SCIC"), ("s", "culture", "Culture")],
        ),
    )
    second = Questionnaire(
        "b",
        "b.xlsx",
        *_form(
            [
                ("genre", "Genre", "single", "g", "actor_type"),
                ("branche", "Branche", "single", "s2", "sector"),
            ],
            [
                ("g", "commune", "Commune"),
                ("g", "epci", "EPCI"),
                ("s2", "culture", "Culture"),
                ("s2", "sport", "Sport"),
            ],
        ),
    )
    found = match_questions([first, second])
    qmap = found.question_map.iloc[2:]
    assert qmap[["canonical_id", "rule"]].values.tolist() == [["genre", "new"], ["sect", "role"]]
    assert found.choices.loc[found.choices["list_name"] == "s", "value"].tolist() == [
        "culture",
        "sport",
    ]
    assert found.anomalies["action"].tolist() == ["gardée à part", "rapprochée"]
    assert (
        "même rôle que « type » du questionnaire « a », mais listes différentes"
        in found.anomalies["problem"].iloc[0]
    )
    assert "valeurs ajoutées à la liste « s » : sport" in found.anomalies["problem"].iloc[1]


def test_multiple_choice_stacked_on_a_longer_list_says_what_was_not_offered():
    needs = [("besoins", "Besoins", "multiple", "r", "need")]
    first = Questionnaire(
        "a", "a.xlsx", *_form(needs, [("r", "locaux", "Locaux"), ("r", "benevoles", "Bénévoles")])
    )
    second = Questionnaire("b", "b.xlsx", *_form(needs, [("r", "locaux", "Locaux")]))
    found = match_questions([first, second])
    assert found.question_map["rule"].tolist() == ["new", "id"]
    assert found.anomalies["problem"].tolist() == [
        "question « besoins » du questionnaire « b » rapprochée de « besoins » du questionnaire "
        "« a » (même identifiant ; valeurs que ce questionnaire ne proposait pas, comptées "
        "comme non cochées par ses répondants : benevoles)"
    ]


def test_lists_inferred_from_answers_of_one_question_are_stacked():
    """Three exports of one form read without it (issue 14: the same question in three ODK
    files kept apart): each list holds only the values its respondents gave, none holds
    another, and they are still one question with the union of the values. Lists from a
    form keep the subset rule, and issue checklists still need the same list."""
    sector = [("secteur", "Secteur", "single", "secteur", "sector")]
    lists = [["Association", "Entreprise"], ["Entreprise", "Commune"], ["Association", "Commune"]]

    def forms(observed):
        return [
            Questionnaire(
                name,
                f"{name}.csv",
                *_form(sector, [("secteur", v, v) for v in values]),
                observed=observed,
            )
            for name, values in zip("abc", lists)
        ]

    found = match_questions(forms(observed=True))
    assert found.question_map["canonical_id"].tolist() == ["secteur"] * 3
    assert found.question_map["rule"].tolist() == ["new", "id", "id"]
    assert sorted(found.choices["value"]) == ["Association", "Commune", "Entreprise"]
    # the same lists read from forms: a value offered by one form only is a real difference
    apart = match_questions(forms(observed=False))
    assert apart.question_map["canonical_id"].tolist() == ["secteur", "secteur_b", "secteur_c"]
    # issue checklists inferred from answers: still stacked only on the same list
    issues = [("enjeux", "Enjeux", "multiple", "e", "issue")]
    checklists = [
        Questionnaire(n, f"{n}.csv", *_form(issues, [("e", v, v) for v in vals]), observed=True)
        for n, vals in (("a", ["emploi", "logement"]), ("b", ["emploi", "sante"]))
    ]
    found = match_questions(checklists)
    assert found.question_map["canonical_id"].tolist() == ["enjeux", "enjeux_b"]


def test_three_exports_without_a_form_stack_their_question(tmp_path):
    """The same through a project: three ODK Central CSVs, no form, the sector answered
    with other values in each file (counted by hand: 4 respondents per file)."""
    values = {"a": ["Association", "Entreprise"], "b": ["Entreprise", "Commune"]}
    values["c"] = ["Association", "Commune"]
    blocks = []
    for name, vals in values.items():
        lines = ["SubmissionDate,meta-instanceID,secteur,avis,KEY"]
        for j, v in enumerate(vals * 2):
            key = f"uuid:{name}{j}"
            lines.append(f"2024-01-0{j + 1}T10:00:00Z,{key},{v},{'oui' if j % 2 else 'non'},{key}")
        (tmp_path / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        blocks.append(f'[[survey]]\nresponses = "{name}.csv"\nname = "{name}"\n')
    project = tmp_path / "diagnostic.toml"
    project.write_text('title = "t"\nterritory = []\n\n' + "\n".join(blocks), encoding="utf-8")
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project))
    assert diag.questions["question_id"].tolist() == ["secteur", "avis"]
    answers = diag.answers[diag.answers["question_id"] == "secteur"]
    assert answers["value"].value_counts().to_dict() == {
        "Association": 4,
        "Entreprise": 4,
        "Commune": 4,
    }
    assert not diag.anomalies["action"].eq("gardée à part").any()


def test_generic_codes_reused_for_other_issues_are_matched_by_label():
    first = _survey(
        "a", ["Q1", "Q2"], [("a1", "Q1", "5"), ("a1", "Q2", "1")], labels=["Logement", "Emploi"]
    )
    second = _survey(
        "b", ["Q1", "Q2"], [("b1", "Q1", "4"), ("b1", "Q2", "2")], labels=["Emploi", "Logement"]
    )
    stacked = stack_surveys([first, second], ["associations", "communes"])
    assert stacked.question_map["rule"].tolist() == ["new", "new", "label", "label"]
    answers = stacked.surveys[1].answers
    assert answers[["question_id", "value"]].values.tolist() == [["Q2", "4"], ["Q1", "2"]]
    assert stacked.anomalies["action"].tolist() == ["rapprochée", "rapprochée"]


def test_first_survey_cannot_map():
    first = Questionnaire(
        "a", "a.xlsx", *_form([("q1", "L", "text", None, None)], []), same_as={"q1": "q2"}
    )
    with pytest.raises(DiagnosticError, match="premier questionnaire sert de référence"):
        match_questions([first], file="p.toml")


def _survey(name, qids, answers, labels=None):
    questions = conform(
        pd.DataFrame(
            {
                "question_id": qids,
                "label": labels or [f"Enjeu {q[-1]}" for q in qids],
                "type": "likert",
                "list_name": "s",
                "role": "issue_importance",
            }
        ),
        "questions",
    )
    choices = conform(
        pd.DataFrame(
            {
                "list_name": "s",
                "value": list("12345"),
                "label": list("12345"),
                "order": range(1, 6),
                "is_missing_code": False,
            }
        ),
        "choices",
    )
    frame = conform(pd.DataFrame(answers, columns=["actor_id", "question_id", "value"]), "answers")
    empty = lambda table: conform(pd.DataFrame(), table)  # noqa: E731
    return diagnostic.Survey(
        "test",
        f"{name}.xlsx",
        questions,
        choices,
        empty("actors"),
        empty("personal"),
        frame,
        conform(frame[["actor_id", "question_id"]].drop_duplicates(), "asked"),
        empty("needs"),
        empty("offers"),
        empty("anomalies"),
        RowAccount(f"{name}.xlsx", 0, 0, 0),
        {},
    )


@hsettings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.integers(0, 4),
                st.sampled_from(["a", "b", "c", "d"]),
                st.sampled_from(list("12345")),
            ),
            max_size=12,
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(
        st.sampled_from(["enjeu_a", "enjeu_b", "x_c", "q_d", "enjeu_e"]),
        min_size=1,
        max_size=5,
        unique=True,
    ),
)
def test_no_answer_row_is_lost(per_survey, qids):
    surveys = [
        _survey(
            f"s{i}",
            qids,
            [(f"s{i}-{actor}", qids[q % len(qids)], v) for actor, (q, _a, v) in enumerate(rows)],
        )
        for i, rows in enumerate(per_survey)
    ]
    stacked = stack_surveys(surveys)
    before = pd.concat([s.answers for s in surveys], ignore_index=True)
    after = pd.concat([s.answers for s in stacked.surveys], ignore_index=True)
    assert len(after) == len(before)
    assert after[["actor_id", "value"]].equals(before[["actor_id", "value"]])
    assert set(after["question_id"]) <= set(stacked.questions["question_id"])


def _split_example(tmp_path):
    """The example's export in two files by actor type; the second one's form renames the
    actor type and issue questions and words the issues differently."""
    from openpyxl import load_workbook

    example = diagnostic.example_project().parent
    export = load_workbook(example / "export_kobo_acteurs.xlsx")
    header = [c.value for c in export.active[1]]
    kind = header.index("identite/type_acteur")
    rename = {"type_acteur": "genre_structure", "volonte": "cooperer"}
    form = load_workbook(example / "formulaire_acteurs.xlsx")
    for row in form["survey"].iter_rows(min_row=2):
        name, label = row[1].value or "", row[2].value or ""
        if name.startswith("enjeu_"):
            rename[name] = "e_" + name[6:]
            row[2].value = label.replace(
                "Importance pour votre structure :", "Pour vous, quelle importance a l'enjeu :"
            )
        if name in rename:
            row[1].value = rename[name]
    form.save(tmp_path / "formulaire_autres.xlsx")
    rows = list(export.active.iter_rows(min_row=2, values_only=True))
    for name, keep in (
        ("entreprises", lambda t: t == "entreprise"),
        ("autres", lambda t: t not in (None, "entreprise")),
    ):
        wb = Workbook()
        names = [h.rsplit("/", 1)[-1] for h in header]
        wb.active.append(
            header
            if name == "entreprises"
            else [
                h.rsplit("/", 1)[0] + "/" + rename[n] if n in rename else h
                for h, n in zip(header, names)
            ]
        )
        for row in rows:
            if keep(row[kind]):
                wb.active.append(list(row))
        for line in wb.active.iter_rows(min_row=2):
            for cell in line:  # a respondent's "=HYPERLINK(…)" stays text, as in the example
                if cell.data_type == "f":
                    cell.data_type = "s"
        wb.save(tmp_path / f"{name}.xlsx")
    path = tmp_path / "diagnostic.toml"
    path.write_text(
        f"""
territory = ["200036069"]
[[survey]]
responses = "entreprises.xlsx"
form = "{(example / "formulaire_acteurs.xlsx").as_posix()}"
[[survey]]
responses = "autres.xlsx"
form = "formulaire_autres.xlsx"
[geography]
communes = "{(example / "geo/communes.json").as_posix()}"
epci = "{(example / "geo/epci.json").as_posix()}"
[settings]
min_group_size = 5
""",
        encoding="utf-8",
    )
    return diagnostic.read_project(path)


def test_split_example_reproduces_the_single_survey_ranking(tmp_path, example_diag):
    split = diagnostic.run_diagnostic(_split_example(tmp_path))
    rules = split.question_map.loc[split.question_map["survey"] == "autres", "rule"]
    assert rules.value_counts().to_dict() == {"id": 12, "label": 11, "role": 2}
    assert len(split.actors) == len(example_diag.actors) == 148
    assert len(split.answers) == len(example_diag.answers)
    pd.testing.assert_frame_equal(split.issue_ranking, example_diag.issue_ranking)
    pd.testing.assert_frame_equal(split.group_matrix, example_diag.group_matrix)


def test_issue_lists_of_multiple_choices_must_be_the_same_to_be_stacked():
    """Respondents never offered « transport » would lower its support: kept apart."""
    issues = [("enjeux", "Enjeux du territoire", "multiple", "e", "issue")]
    first = Questionnaire(
        "a",
        "a.xlsx",
        *_form(issues, [("e", "logement", "Logement"), ("e", "transport", "Transport")]),
    )
    second = Questionnaire("b", "b.xlsx", *_form(issues, [("e", "logement", "Logement")]))
    found = match_questions([first, second])
    assert found.question_map["canonical_id"].tolist() == ["enjeux", "enjeux_b"]
    assert found.anomalies["action"].tolist() == ["gardée à part"]
    assert (
        "un enjeu à choix multiple ne se rapproche que d'une liste identique (options "
        "proposées par un seul questionnaire : transport)"
    ) in found.anomalies["problem"].iloc[0]


def test_merged_issue_lists_keep_unoffered_options_out_of_their_base(tmp_path):
    """Two questionnaires ask the same multiple-choice issue question; the communes' form
    does not offer « ecole ». Stacked on the project's word (same_as), « ecole » has the
    associations alone as its base, and a blank answer counts as "ticked nothing"."""
    issue = ["select_multiple enjeux", "priorites", "Enjeux prioritaires", "issue"]
    _xlsform(
        tmp_path / "fa.xlsx",
        [["text", "commune", "Commune", "commune"], issue],
        [["enjeux", v, v.capitalize()] for v in ("eau", "route", "ecole")],
    )
    _xlsform(
        tmp_path / "fc.xlsx",
        [["text", "commune", "Commune", "commune"], issue],
        [["enjeux", v, v.capitalize()] for v in ("eau", "route")],
    )
    place = "Mortagne-au-Perche"
    assos = [[place, "eau ecole"], [place, "ecole"], [place, None], [place, "route"]]
    communes = [[place, "eau"], [place, None], [place, "eau route"]]
    _kobo(tmp_path / "a.xlsx", ["commune", "priorites"], assos, "a")
    _kobo(tmp_path / "c.xlsx", ["commune", "priorites"], communes, "c")
    path = tmp_path / "diagnostic.toml"
    path.write_text(
        f"""
territory = ["200036069"]
[[survey]]
name = "associations"
responses = "a.xlsx"
form = "fa.xlsx"
actor_type = "association"
[[survey]]
name = "communes"
responses = "c.xlsx"
form = "fc.xlsx"
actor_type = "collectivite"
same_as = {{ priorites = "priorites" }}
[geography]
communes = "{GEO.as_posix()}"
epci = "{(GEO.parent / "epci.json").as_posix()}"
[settings]
min_group_size = 2
""",
        encoding="utf-8",
    )
    diag = diagnostic.run_diagnostic(diagnostic.read_project(path))
    ranking = diag.issue_ranking.set_index("issue_id")
    # counted from the rows above: every respondent was asked (no condition in the forms)
    ticks = lambda rows, v: sum(v in (r[1] or "").split() for r in rows)  # noqa: E731
    expected = {
        "priorites:eau": (7, ticks(assos, "eau") + ticks(communes, "eau")),
        "priorites:route": (7, ticks(assos, "route") + ticks(communes, "route")),
        "priorites:ecole": (4, ticks(assos, "ecole")),
    }
    got = {
        k: (
            int(ranking.at[k, "respondents"]),
            round(ranking.at[k, "support"] * ranking.at[k, "respondents"]),
        )
        for k in expected
    }
    assert got == expected
