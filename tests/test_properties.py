"""Properties that must hold for any export: nothing lost, nothing leaked, same in, same out."""

import re
import zipfile

import pandas as pd
from conftest import EXAMPLE, bare_example
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import diagnostic
from diagnostic.datasets import ACTOR_TYPES

FORM = diagnostic.read_xlsform(EXAMPLE / "formulaire_acteurs.xlsx")
BASE = pd.read_excel(EXAMPLE / "export_kobo_acteurs.xlsx", dtype=str, engine="calamine")
TYPES = [t for t, *_ in ACTOR_TYPES]
COMMON = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def exports(draw):
    """Rows of the example export, blanked, duplicated and spoiled at random."""
    n = draw(st.integers(min_value=1, max_value=25))
    picks = draw(st.lists(st.integers(0, len(BASE) - 3), min_size=n, max_size=n))
    frame = BASE.iloc[picks].reset_index(drop=True).copy()
    frame["_uuid"] = [f"uuid-{i}" for i in range(n)]
    answer_cols = [c for c in frame.columns if "/" in c]
    for i in range(n):
        action = draw(st.sampled_from(["keep", "blank", "spoil", "dup", "empty"]))
        if action == "blank":
            frame.loc[i, draw(st.sampled_from(answer_cols))] = None
        elif action == "spoil":
            frame.loc[i, "enjeux/enjeu_sante"] = draw(st.sampled_from(["7", "beaucoup", "=1+1"]))
        elif action == "dup" and i:
            frame.loc[i] = frame.loc[i - 1]
        elif action == "empty":
            frame.loc[i, answer_cols] = None
    return frame


def _write(frame, path):
    frame.to_excel(path, index=False, engine="xlsxwriter")  # writes control characters too
    return path


@COMMON
@given(frame=exports())
def test_rows_read_equal_rows_loaded_plus_rejected(frame, tmp_path_factory):
    path = _write(frame, tmp_path_factory.mktemp("p") / "export.xlsx")
    before = path.read_bytes()
    a = diagnostic.read_responses(path, FORM)
    acc = a.account
    assert acc.rows_read == len(frame) == acc.rows_loaded + acc.rows_rejected
    assert len(a.actors) == acc.rows_loaded and a.actors["actor_id"].is_unique
    rejected_rows = set(a.anomalies.loc[a.anomalies["action"] == "rejeté", "row"])
    assert len(rejected_rows) == acc.rows_rejected  # each rejected row has its reason
    assert rejected_rows.isdisjoint(set(a.actors["source_row"]))
    b = diagnostic.read_responses(path, FORM)
    pd.testing.assert_frame_equal(a.answers, b.answers)
    pd.testing.assert_frame_equal(a.actors, b.actors)
    assert path.read_bytes() == before


PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.invalid","clic")',
    "+33 6 00",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>",
    "\u202eevil",
    "ctrl\x07char",
    "y" * 5000,
]
EMAILS = st.from_regex(r"[a-z]{3,8}\.[a-z]{3,8}@[a-z]{4,8}\.(fr|org)", fullmatch=True)
PHONES = st.from_regex(r"0[67]( [0-9]{2}){4}", fullmatch=True)


@st.composite
def projects(draw):
    """A small project: tiny groups, contacts, emails and phones inside free text, payloads."""
    n = draw(st.integers(min_value=6, max_value=18))
    frame = BASE.iloc[:n].reset_index(drop=True).copy()
    frame["_uuid"] = [f"u-{i}" for i in range(n)]
    frame["identite/type_acteur"] = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    emails = draw(st.lists(EMAILS, min_size=n, max_size=n, unique=True))
    phones = draw(st.lists(PHONES, min_size=n, max_size=n))
    frame["identite/contact_email"] = emails
    frame["identite/telephone"] = phones
    frame["identite/contact_nom"] = [f"Personne{i} Secrète{i}" for i in range(n)]
    payload = draw(st.sampled_from(PAYLOADS))
    frame["cooperation/commentaire"] = [
        f"{payload} écrire à {e} ou {p}" for e, p in zip(emails, phones)
    ]
    frame["ressources/besoins_autre"] = payload
    return frame, emails, phones, payload


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=projects())
def test_no_export_leaks_personal_data_or_small_group_percentages(case, tmp_path_factory):
    frame, emails, phones, payload = case
    root = tmp_path_factory.mktemp("proj") / "projet"
    bare_example(root)  # the example's form and geography, this export
    _write(frame, root / "export_kobo_acteurs.xlsx")
    diag = diagnostic.run_diagnostic(diagnostic.read_project(root / "diagnostic.toml"))
    out = diagnostic.write_outputs(diag, root / "out")
    texts = [
        p.read_text(encoding="utf-8")
        for p in (root / "out").rglob("*")
        if p.suffix in (".csv", ".html", ".gexf")
    ]
    with zipfile.ZipFile(out["workbook"]) as z:
        xml = [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        sheets = [
            z.read(n).decode("utf-8", "replace")
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
        ]
    blob = "\n".join(texts + xml)
    for secret in emails + phones + list(frame["identite/contact_nom"]):
        assert secret not in blob
    # no formula anywhere in the workbook; no live payload in CSV cells or HTML
    assert not any(re.search(r"<f[ >]", part) for part in sheets)  # charts keep their refs
    for p in (root / "out").rglob("*.csv"):
        cells = pd.read_csv(p, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert "<script>alert" not in "\n".join(t for t in texts if "<html" in t)
    # small groups: never a percentage
    counts = diag.actors["actor_type"].value_counts()
    small = set(counts[counts < diag.settings.min_group_size].index)
    m = diag.group_matrix
    assert m.loc[m["actor_type"].isin(small), "support"].isna().all()
    ws = load_workbook(out["workbook"])["Convergences"]
    header_row = next(r for r in ws.iter_rows() if r[0].value == "Enjeu")
    for cell in header_row[1:-5]:  # the types (the last five columns: the tests)
        column = [
            ws.cell(row=r, column=cell.column).value for r in range(cell.row + 1, ws.max_row + 1)
        ]
        # the header gives the bases of the shown cells, none when no cell is shown
        bases = re.search(r"\(n=(\d+)(?:–(\d+))?\)", str(cell.value))
        if bases is None:
            assert all(v in (None, f"n<{diag.settings.min_group_size}") for v in column)
        else:
            assert int(bases.group(1)) >= diag.settings.min_group_size


def test_same_inputs_give_identical_tables(tmp_path, example_diag):
    again = diagnostic.run_diagnostic(diagnostic.read_project(diagnostic.example_project()))
    diagnostic.to_tables(example_diag, tmp_path / "a")
    diagnostic.to_tables(again, tmp_path / "b")
    for p in sorted((tmp_path / "a").iterdir()):
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name


REPEAT_FORM_ROWS = (
    ["type", "name", "label"],
    ["text", "nom", "Structure"],
    ["begin_repeat", "salaries", "Salariés"],
    ["integer", "age", "Âge"],
    ["end_repeat", "", ""],
)


@COMMON
@given(
    parents=st.lists(
        st.sampled_from(["uuid:a", "uuid:b", "uuid:c", "uuid:z", ""]), min_size=1, max_size=12
    ),
    ages=st.lists(st.sampled_from(["34", "", "dix"]), min_size=12, max_size=12),
)
def test_every_repeat_row_is_loaded_once_or_rejected_with_its_reason(
    parents, ages, tmp_path_factory
):
    folder = tmp_path_factory.mktemp("r")
    from openpyxl import Workbook

    wb = Workbook()
    for row in REPEAT_FORM_ROWS:
        wb.active.append(row)
    wb.active.title = "survey"
    wb.save(folder / "form.xlsx")
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w") as z:  # uuid:c is an empty submission: rejected
        z.writestr("f.csv", "nom,KEY\nGarage,uuid:a\nFerme,uuid:b\n,uuid:c\n")
        z.writestr(
            "f-salaries.csv",
            "age,PARENT_KEY,KEY\n"
            + "".join(
                f"{a},{p},{p}/salaries[{i}]\n" for i, (p, a) in enumerate(zip(parents, ages))
            ),
        )
    s = diagnostic.read_responses(path, diagnostic.read_form(folder / "form.xlsx"))
    (acc,) = s.repeat_accounts
    assert acc.rows_read == len(parents) == acc.rows_loaded + acc.rows_rejected
    expected = sum(p in ("uuid:a", "uuid:b") and a != "" for p, a in zip(parents, ages))
    assert acc.rows_loaded == expected
    rejected = s.anomalies[(s.anomalies["file"] == acc.file) & (s.anomalies["action"] == "rejeté")]
    assert rejected["row"].is_unique and len(rejected) == acc.rows_rejected
    inside = s.answers[s.answers["instance"].notna()]
    assert len(inside) == expected and not inside.duplicated(["actor_id", "instance"]).any()
