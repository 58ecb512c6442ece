import dataclasses
import json
import re
import shutil
import tempfile
import zipfile

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from conftest import bare_example
from openpyxl import load_workbook

import diagnostic
from diagnostic.analysis.workshop import write_votes_template
from diagnostic.export.workbook import SHEETS
from diagnostic.privacy import masking as privacy

WITHOUT_WORKSHOP = [
    "Sommaire",
    "Méthode",
    "Participation",
    "Portrait du territoire",
    "Enjeux communs",
    "Convergences",
    "AFOM",
    "Projets de coopération",
    "Plan d'action",
    "Groupes d'acteurs",
    "Paroles d'acteurs",
    "Données",
    "Dictionnaire",
    "Anomalies",
]


@pytest.fixture(scope="module")
def book(demo_out):
    return load_workbook(demo_out / "diagnostic.xlsx")


@pytest.fixture(scope="module")
def workshop_project(tmp_path_factory, example_diag, shared):
    """The example project with six workshop participants and INSEE indicators (shared data)."""
    folder = tmp_path_factory.mktemp("atelier") / "projet"
    shutil.copytree(diagnostic.example_project().parent, folder)
    ranking = example_diag.issue_ranking
    people = [f"P{i}" for i in range(1, 7)]
    template = write_votes_template(folder / "votes.xlsx", ranking, people)
    wb = load_workbook(template)
    ws = wb["votes"]
    last, second = ranking["issue_id"].iloc[-1], ranking["issue_id"].iloc[1]
    for row in range(2, ws.max_row + 1):  # 3 dots on the last issue, 1 on the second
        ws.cell(row, 5).value = {last: 3, second: 1}.get(ws.cell(row, 3).value, 0)
    wb.save(template)
    toml = folder / "diagnostic.toml"  # these votes instead of the example's, no regard croisé
    text = toml.read_text(encoding="utf-8")
    text = text.replace('votes = "atelier/votes.csv"', 'votes = "votes.xlsx"')
    text = re.sub(r"\[issue_indicators\]\n(.+\n)+", "", text)
    assert 'votes = "votes.xlsx"' in text and "issue_indicators" not in text
    toml.write_text(text, encoding="utf-8")
    return diagnostic.run_diagnostic(diagnostic.read_project(toml))


@pytest.fixture(scope="module")
def workshop_book(tmp_path_factory, workshop_project):
    path = tmp_path_factory.mktemp("classeur") / "atelier.xlsx"
    diagnostic.to_workbook(workshop_project, path)
    return path


def test_sheet_order_and_summary_links(book):
    assert book.sheetnames == SHEETS  # the example has indicators linked to issues, a workshop
    assert (
        WITHOUT_WORKSHOP[:7]
        + ["Regard croisé"]
        + WITHOUT_WORKSHOP[7:10]
        + ["Priorités partagées"]
        + WITHOUT_WORKSHOP[10:]
    ) == SHEETS
    links = [c.hyperlink.location for c in book["Sommaire"]["A"] if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in SHEETS[1:]]


def test_workshop_sheet_only_with_votes(workshop_book):
    wb = load_workbook(workshop_book)
    assert wb.sheetnames == [s for s in SHEETS if s != "Regard croisé"]  # no issue linked
    links = [c.hyperlink.location for c in wb["Sommaire"]["A"] if c.hyperlink]
    assert "'Priorités partagées'!A1" in links


def _rows(ws):
    return {row[0]: row for row in ws.iter_rows(values_only=True) if row[0] is not None}


def test_portrait_of_the_example_territory(book):
    ws = book["Portrait du territoire"]
    h = _header_row(ws, "Indicateur")
    assert [c.value for c in ws[h]][:4] == [
        "Indicateur",
        "Année",
        "Zone d'étude",
        "EPCI (CC du Pays de Mortagne-au-Perche)",
    ]
    rows = _rows(ws)
    assert rows["Population municipale"][2:4] == (13531, 13531)  # populations légales, 33 communes
    assert rows["Nombre de communes"][2:4] == (33, 33)
    assert ws.cell(h + 1, 3).number_format == "#,##0"
    assert ws.freeze_panes == f"A{h + 1}" and ws.auto_filter.ref.startswith(f"A{h}:")


def test_portrait_with_indicators_compares_levels(workshop_book):
    ws = load_workbook(workshop_book)["Portrait du territoire"]
    h = _header_row(ws, "Indicateur")
    headers = [c.value for c in ws[h]]
    assert headers[2:5] == [
        "Zone d'étude",
        "EPCI (CC du Pays de Mortagne-au-Perche)",
        "Département (Orne)",  # named by the example's departements.json
    ]
    density = _rows(ws)["Densité de population 2022 (hab./km²)"]
    assert density[1] == 2022 and density[2] == pytest.approx(13515 / 402.39)
    assert "comparateur" in density[headers.index("Source")]
    income = _rows(ws)["Revenu disponible médian par unité de consommation 2021 (€)"]
    assert income[2] is None and "non additif" in income[headers.index("Remarque")]
    row = next(r for r in range(h + 1, ws.max_row + 1) if ws.cell(r, 1).value.startswith("Densité"))
    assert ws.cell(row, 3).number_format == "#,##0.0"


def test_afom_sheet_grouped_with_source_and_evidence(book, example_diag):
    ws = book["AFOM"]
    h = _header_row(ws, "Catégorie")
    assert [c.value for c in ws[h]][:4] == ["Catégorie", "Élément", "Source", "Justification"]
    body = [r for r in ws.iter_rows(min_row=h + 1, max_col=4, values_only=True)]
    # Logement is no longer transversal (2 of 4 types pass the Wilson lower bound): 33 items
    # from the survey, 3 from the indicators linked to issues (employment, housing and
    # pharmacies better than the Orne), 4 from the workshop
    assert len(body) == len(example_diag.afom) == 33 + 3 + 4
    assert [r[2] for r in body].count("indicateur") == 3
    assert [r[2] for r in body].count("atelier") == 4
    assert body[13][:3] == ("Faiblesses", "Mobilité et transports", "enquête")
    assert body[13][3].startswith("Enjeu transversal : cité par 4 types d'acteurs")
    categories = [r[0] for r in body]
    assert categories == sorted(
        categories, key=["Atouts", "Faiblesses", "Opportunités", "Menaces"].index
    )
    assert "Atouts : 13 ; Faiblesses : 2 ; Opportunités : 19 ; Menaces : 6." in ws["A3"].value


def test_shared_priorities_sheet(workshop_book, workshop_project):
    ws = load_workbook(workshop_book)["Priorités partagées"]
    h = _header_row(ws, "Enjeu")
    headers = [c.value for c in ws[h]]
    assert headers[:9] == [
        "Enjeu",
        "Rang enquête",
        "Soutien (enquête)",
        "Gommettes",
        "Participants",
        "Part des gommettes",
        "Rang atelier",
        "Rangs gagnés",
        "Tendance",
    ]
    last = workshop_project.issue_ranking.iloc[-1]
    top = [c.value for c in ws[h + 1]]
    assert top[0] == last["label"] and top[1] == int(last["rank"])
    assert top[3] == 18 and top[4] == 6 and top[5] == pytest.approx(0.75) and top[6] == 1
    assert top[7] == int(last["rank"]) - 1 and top[8] == "gagne du terrain"
    assert ws.cell(h + 1, 6).number_format == "0.0 %"
    notes = " ".join(str(ws.cell(r, 1).value) for r in range(2, h))
    assert "Base : 6 participants ayant voté, 24 gommettes" in notes
    assert "corrélation de Spearman" in notes


def test_shared_priorities_hide_shares_below_minimum_group(tmp_path, workshop_project):
    few = workshop_project.votes[workshop_project.votes["participant"].isin(["P1", "P2"])]
    diag = dataclasses.replace(workshop_project, votes=few)
    ws = load_workbook(diagnostic.to_workbook(diag, tmp_path / "w.xlsx"))["Priorités partagées"]
    h = _header_row(ws, "Enjeu")
    assert {ws.cell(r, 6).value for r in range(h + 1, ws.max_row - 1)} == {"n<5"}


def _relations(z, part):
    """Id -> target file name of the relationships of `part` (empty when it has none)."""
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in z.namelist():
        return {}
    found = {}
    for rel in re.findall(r"<Relationship [^>]*>", z.read(rels).decode()):
        found[re.search(r'Id="([^"]+)"', rel)[1]] = re.search(r'Target="([^"]+)"', rel)[1]
    return found


def _charts_by_sheet(path):
    """Sheet name -> number of charts, read from the xlsx parts (openpyxl reads charts poorly)."""
    with zipfile.ZipFile(path) as z:
        sheets = _relations(z, "xl/workbook.xml")
        out = {}
        for name, rid in re.findall(
            r'<sheet name="([^"]+)"[^>]*?r:id="(rId\d+)"', z.read("xl/workbook.xml").decode()
        ):
            sheet = "xl/worksheets/" + sheets[rid].rsplit("/", 1)[-1]
            drawings = [t for t in _relations(z, sheet).values() if "drawing" in t]
            out[name.replace("&apos;", "'")] = sum(
                sum(
                    "charts/chart" in t
                    for t in _relations(z, "xl/drawings/" + d.rsplit("/", 1)[-1]).values()
                )
                for d in drawings
            )
        total = sum(1 for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return out, total


def test_native_charts_and_heatmap(demo_out, book, workshop_book):
    per_sheet, total = _charts_by_sheet(demo_out / "diagnostic.xlsx")
    assert total == 4
    assert {k: v for k, v in per_sheet.items() if v} == {
        "Participation": 1,
        "Enjeux communs": 1,
        "Regard croisé": 1,
        "Priorités partagées": 1,
    }
    per_sheet, total = _charts_by_sheet(workshop_book)
    assert total == 3 and per_sheet["Priorités partagées"] == 1
    rules = book["Convergences"].conditional_formatting
    ranges = [str(r.sqref) for r in rules]
    assert len(ranges) == 1 and ranges[0].startswith("B")
    rule = next(iter(rules)).rules[0]
    assert rule.type == "colorScale"
    assert [float(v.val) for v in rule.colorScale.cfvo] == [0.0, 1.0]


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_printable_landscape_fit_to_width(book, sheet):
    ws = book[sheet]
    # fitToWidth left out of the file means 1 (its default in the Office Open XML schema)
    assert ws.page_setup.orientation == "landscape" and (ws.page_setup.fitToWidth or 1) == 1
    if sheet == "Données":  # one column per question: printed at 70 %, headers repeated
        assert ws.page_setup.scale == 70 and ws.print_title_rows == "$5:$5"
    else:
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    if sheet not in ("Sommaire", "Convergences"):
        assert ws["A1"].font.b and ws["A1"].value


def _header_row(ws, first):
    for row in ws.iter_rows(min_row=1, max_row=12):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header {first!r} in {ws.title}")


def test_ranking_sheet_headers_values_and_chart(book, example_diag):
    ws = book["Enjeux communs"]
    h = _header_row(ws, "Rang")
    headers = [c.value for c in ws[h]][:5]
    assert headers == ["Rang", "Enjeu", "Thème", "Répondants", "Soutien"]
    assert ws.cell(h + 1, 2).value == "Mobilité et transports"
    assert ws.cell(h + 1, 5).number_format == "0.0 %"
    assert ws.cell(h + 1, 5).value == pytest.approx(
        float(example_diag.issue_ranking["support"].iloc[0])
    )
    # each issue has its own base: the answers of its shown cells (compared types, cells of
    # at least 5 answers), counted here
    r = example_diag.responses.astype({"actor_type": object, "issue_id": object})
    cells = r.groupby(["issue_id", "actor_type"]).size()
    cells = cells[(cells >= 5) & (cells.index.get_level_values(1) != "financeur")]
    per_issue = cells.groupby(level=0).sum()
    low, high = int(per_issue.min()), int(per_issue.max())
    assert (low, high) == (128, 140)
    assert f"Base : de {low} à {high} acteurs répondants selon l'enjeu" in ws["A2"].value
    assert len(ws._charts) == 1
    assert ws.freeze_panes == f"A{h + 1}"


def test_ranking_subtitle_names_the_issue_question_or_how_many(tmp_path, example_diag):
    """The « Enjeux communs » subtitle names the one question the issues come from (the
    example's grid « Importance pour votre structure : … ») and never the first of several:
    with the issues asked in two questions it says how many (issue 14)."""
    ws = load_workbook(diagnostic.to_workbook(example_diag, tmp_path / "one.xlsx"))
    assert ws["Enjeux communs"]["A2"].value.startswith(
        "Question : « Importance pour votre structure » ; Base : "
    )
    questions = example_diag.questions.copy()
    second = questions["question_id"].isin(["enjeu_tourisme", "enjeu_jeunesse"])
    questions.loc[second, "label"] = (
        "Quels enjeux pour le territoire ? : "
        + questions.loc[second, "label"].str.split(" : ").str[1]
    )
    diag = dataclasses.replace(example_diag, questions=questions)
    ws = load_workbook(diagnostic.to_workbook(diag, tmp_path / "two.xlsx"))["Enjeux communs"]
    assert ws["A2"].value.startswith("Enjeux tirés de 2 questions différentes ; Base : ")
    assert "Importance pour votre structure" not in ws["A2"].value


def test_small_group_shown_as_n_below_minimum(book):
    ws = book["Convergences"]
    h = _header_row(ws, "Enjeu")
    headers = [c.value for c in ws[h]]
    col = headers.index("Financeur") + 1  # no cell shown: no base printed
    values = {ws.cell(r, col).value for r in range(h + 1, h + 12)}
    assert values == {"n<5"}


def test_convergence_headers_give_each_cells_base_and_the_tests(book, example_diag):
    ws = book["Convergences"]
    h = _header_row(ws, "Enjeu")
    headers = [c.value for c in ws[h]]
    r = example_diag.responses
    names = {
        "association": "Association ou structure de l'ESS",
        "collectivite": "Commune ou intercommunalité",
        "cooperative": "Coopérative",
        "entreprise": "Entreprise, artisan ou commerce",
    }
    cells = r.groupby(["actor_type", "issue_id"], observed=True).size()
    for code, name in names.items():
        n = cells.loc[code]
        n = n[n >= 5]
        assert f"{name} (n={n.min()}–{n.max()})" in headers
    assert headers[-5:] == [
        "Écart max. entre types",
        "p (Fisher-Freeman-Halton)",
        "p ajusté (Benjamini-Hochberg)",
        "Écart significatif",
        "Paire significative (Holm)",
    ]
    rows = {ws.cell(i, 1).value: [c.value for c in ws[i]] for i in range(h + 1, h + 12)}
    d = example_diag.divergence.set_index("label")
    for label, values in rows.items():
        assert values[-4] == pytest.approx(float(d.at[label, "p_value"]))
        assert values[-3] == pytest.approx(float(d.at[label, "p_adjusted"]))
        assert values[-2] == ("oui" if d.at[label, "significant"] else "non")
        assert (values[-1] or "") == d.at[label, "between"]


def test_status_drop_down(book):
    ws = book["Projets de coopération"]
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].formula1 == '"à valider,validé,en cours,écarté"'


def test_injected_formula_is_stored_as_text(book, demo_out):
    ws = book["Données"]
    cells = [
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(demo_out / "diagnostic.xlsx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml.replace("<f>HYPERLINK", "")  # no formula cell at all
    assert "HYPERLINK" not in re.sub(r"<is>.*?</is>|<v>.*?</v>", "", xml)


def test_no_name_email_or_phone_anywhere_in_outputs(demo_out, example_diag):
    personal = example_diag.personal["value"].dropna().unique().tolist()
    assert len(personal) > 400
    texts = [(demo_out / "diagnostic.html").read_text()]
    texts += [p.read_text() for p in (demo_out / "tables").glob("*.csv")]
    with zipfile.ZipFile(demo_out / "diagnostic.xlsx") as z:
        texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    blob = "\n".join(texts)
    leaked = [v for v in personal if v in blob]
    assert leaked == []
    assert "@exemple.fr" not in blob and "06 12 34 56 78" not in blob
    assert "[courriel masqué]" in blob


def test_tables_written_with_documented_columns(demo_out):
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    assert actors.columns.tolist() == privacy.PUBLIC_ACTOR_COLUMNS
    assert len(actors) == 148 - 4  # the 4 financeurs, a type below 5, are withheld
    ranking = pd.read_csv(demo_out / "tables" / "issue_ranking.csv")
    assert ranking.columns.tolist() == list(diagnostic.SCHEMAS["issue_ranking"])
    for name in (
        "group_matrix",
        "opportunities",
        "clusters",
        "context",
        "participation",
        "anomalies",
    ):
        assert (demo_out / "tables" / f"{name}.csv").stat().st_size > 100, name
    # three issues linked to an indicator in the example's project file
    regard = pd.read_csv(demo_out / "tables" / "regard_croise.csv")
    assert regard.columns.tolist() == list(diagnostic.SCHEMAS["regard_croise"])
    assert len(regard) == 4
    # one questionnaire: each of its questions is its own canonical question
    mapping = pd.read_csv(demo_out / "tables" / "question_map.csv")
    assert (mapping["question_id"] == mapping["canonical_id"]).all()
    assert len(mapping) == 25  # the example form's questions
    assert set(mapping["rule"]) == {"new"}


def test_html_embeds_plotly_once(demo_out):
    page = (demo_out / "diagnostic.html").read_text()
    assert page.count("plotly.js v") == 1 or page.count("* plotly.js") == 1
    # participation, ranking, convergences, priorities, regard croisé, two maps, the chart
    # of the comments' most used words, the projects × resources matrix and their map
    assert page.count('class="plotly-graph-div"') == 10
    assert "Enjeux communs" in page


def test_interrupted_export_leaves_previous_workbook_intact(tmp_path, example_diag, monkeypatch):
    path = tmp_path / "out" / "diagnostic.xlsx"
    diagnostic.to_workbook(example_diag, path)
    before = path.read_bytes()
    scratch = tmp_path / "tmp"  # the system's temporary directory, for this test
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    write = zipfile.ZipFile.write
    written = []

    def fail_after_first_part(self, *args, **kwargs):  # the disk fills up mid-write
        if written:
            raise OSError("disque plein (simulé)")
        written.append(self.filename)
        return write(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "write", fail_after_first_part)
    with pytest.raises(OSError, match="simulé"):
        diagnostic.to_workbook(example_diag, path)
    assert written and written[0] != str(path)  # a part had gone into a temporary file
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["diagnostic.xlsx"]
    assert list(scratch.iterdir()) == []  # the streamed rows did not stay behind either


def test_failure_while_writing_sheets_leaves_nothing_behind(tmp_path, example_diag, monkeypatch):
    path = tmp_path / "out" / "diagnostic.xlsx"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def broken(*args, **kwargs):
        raise ValueError("feuille impossible (simulé)")

    monkeypatch.setattr("diagnostic.export.workbook.write_data", broken)
    with pytest.raises(ValueError, match="simulé"):
        diagnostic.to_workbook(example_diag, path)
    assert list(path.parent.iterdir()) == [] and list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "text, masked",
    [
        ("jo@exemple.fr", "[courriel masqué]"),
        ("appelez le 06 12 34 56 78 svp", "appelez le [téléphone masqué] svp"),
        ("+33 6 12 34 56 78", "[téléphone masqué]"),
        ("2026 : 150 réponses", "2026 : 150 réponses"),
    ],
)
def test_mask_text(text, masked):
    assert privacy.mask_text(text) == masked


def test_network_exports_for_gephi_and_kumu(demo_out, example_diag):
    import networkx as nx

    g = nx.read_gexf(demo_out / "reseau" / "cooperation.gexf")
    opp = example_diag.opportunities
    # the funder's network: no pair with a withheld actor (the 4 financeurs, under 5)
    kinds = example_diag.actors["actor_type"]
    withheld = set(example_diag.actors.loc[kinds.map(kinds.value_counts()) < 5, "actor_id"])
    assert len(withheld) == 4
    pairs = opp[opp["kind"].isin(["direct", "reciprocal"])]
    pairs = pairs[~pairs["need_actor"].isin(withheld) & ~pairs["offer_actor"].isin(withheld)]
    expected_edges = {frozenset(p) for p in zip(pairs["need_actor"], pairs["offer_actor"])}
    assert g.number_of_edges() == len(expected_edges)
    assert g.number_of_nodes() == len(set(pairs["need_actor"]) | set(pairs["offer_actor"]))
    node = next(iter(g.nodes(data=True)))
    assert node[1]["actor_type"] in {
        "entreprise",
        "association",
        "cooperative",
        "collectivite",
        "financeur",
    }
    elements = pd.read_csv(demo_out / "reseau" / "elements.csv")
    connections = pd.read_csv(demo_out / "reseau" / "connections.csv")
    assert elements.columns[:2].tolist() == ["Label", "Type"]
    assert connections.columns[:3].tolist() == ["From", "To", "Type"]
    assert len(elements) == g.number_of_nodes() and len(connections) == g.number_of_edges()


def test_personal_data_only_on_explicit_request_with_a_warning_sheet(tmp_path, example_diag):
    path = diagnostic.to_workbook(example_diag, tmp_path / "avec_noms.xlsx", include_personal=True)
    book = load_workbook(path)
    assert book.sheetnames[1] == "Données personnelles"
    ws = book["Données personnelles"]
    assert ws["A1"].value == "ATTENTION : données personnelles"
    values = {c.value for row in ws.iter_rows() for c in row}
    assert "Transports Perche Services" in values


@pytest.mark.parametrize(
    "payload",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://x.invalid","clic")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "texte\x00avec\x07contrôle",
        "\u202edroite-à-gauche",
        "x" * 40000,
    ],
)
def test_hostile_text_is_written_inert(tmp_path, payload):
    from diagnostic.export.book import open_book
    from diagnostic.export.cells import put, sheet_rows

    with open_book(tmp_path / "t.xlsx") as book:
        put(book.sheet("put"), 0, 0, payload)
        rows = sheet_rows(
            pd.DataFrame({"texte": pd.array([payload], dtype="string"), "objet": [payload]})
        )
        book.sheet("rows").write_row(0, 0, rows[0])
    wb = load_workbook(tmp_path / "t.xlsx")
    for cell in (wb["put"]["A1"], wb["rows"]["A1"], wb["rows"]["B1"]):
        assert cell.data_type == "s"
        assert isinstance(cell.value, str) and len(cell.value) <= 32000
        assert "\x00" not in cell.value and "\x07" not in cell.value


def _example_id(uuid: str) -> str:
    """The example's actor id, by the rule: HMAC-SHA256 keyed by the project's secret file,
    of the survey's name (its export's stem), a unit separator and the submission's _uuid."""
    import hashlib
    import hmac

    lines = (diagnostic.example_project().parent / ".diagnostic-secret").read_text().splitlines()
    secret = bytes.fromhex(next(line for line in lines if not line.startswith("#")))
    message = b"export_kobo_acteurs\x1f" + uuid.encode()
    return "A-" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:16]


def test_data_sheet_one_row_per_actor_with_labels(book, example_diag):
    ws = book["Données"]
    h = _header_row(ws, "Acteur")
    headers = [c.value for c in ws[h]]
    assert headers[:4] == ["Acteur", "Type d'acteurs", "Code commune", "secteur"]
    assert "contact_email" not in headers and "nom_structure" not in headers
    # every actor but the 4 financeurs (a type below 5: withheld, see privacy.disclosure)
    assert ws.max_row - h == len(example_diag.actors) - 4 == 144
    first = [c.value for c in ws[h + 1]]
    assert first[:5] == [
        _example_id("9c2cfd84-06b6-4693-ae7a-69a96226d5c6"),  # the export's first _uuid
        "Entreprise, artisan ou commerce",
        "61293",
        "Autre secteur",  # Artisanat et BTP: fewer than 5 entreprises of 61293 answered it
        "Important",
    ]
    actors = example_diag.actors
    said = example_diag.answers[example_diag.answers["question_id"] == "secteur"]
    sector = dict(zip(said["actor_id"], said["value"]))
    first_sector = sector[first[0]]
    alike = actors[(actors["actor_type"] == "entreprise") & (actors["commune_code"] == "61293")][
        "actor_id"
    ].map(sector)
    assert 0 < int((alike == first_sector).sum()) < 5
    assert (
        ws.cell(h - 1, headers.index("enjeu_mobilite") + 1).value
        == "Importance pour votre structure : Mobilité et transports"
    )
    assert ws.freeze_panes == f"B{h + 1}" and ws.auto_filter.ref.startswith(f"A{h}:")


def test_data_sheet_continues_beyond_the_row_limit(tmp_path, example_diag, monkeypatch):
    from diagnostic.export import data_sheet

    monkeypatch.setattr(data_sheet, "ROW_LIMIT", 66)  # 60 actors per sheet
    wb = load_workbook(diagnostic.to_workbook(example_diag, tmp_path / "x.xlsx"))
    names = wb.sheetnames
    assert names[names.index("Données") : names.index("Dictionnaire")] == [
        "Données",
        "Données (2)",
        "Données (3)",
    ]
    start = names.index("Données")
    counts = [wb[n].max_row - _header_row(wb[n], "Acteur") for n in names[start : start + 3]]
    assert counts == [60, 60, 24]  # 144 actors: the 4 financeurs are withheld
    assert wb["Données (3)"]["A1"].value == "Réponses pseudonymisées (suite 3)"
    assert "Suite sur « Données (2) »" in wb["Données"]["A2"].value


def _headings(page):
    return [h.replace("&#x27;", "'") for h in re.findall(r"<h2[^>]*>([^<]*)</h2>", page)]


def test_html_report_has_the_workbook_sections(demo_out):
    page = (demo_out / "diagnostic.html").read_text()
    assert _headings(page) == [
        "Sommaire",
        "Participation",
        "Portrait du territoire",
        "Enjeux communs",
        "Convergences",
        "AFOM",
        "Regard croisé",
        "Projets de coopération",
        "Plan d'action",
        "Pistes de coopération",
        "Groupes d'acteurs",
        "Priorités partagées",
        "Paroles d'acteurs",
        "Méthode",
        "Anomalies",
    ]
    assert '<td class="num">13\u202f531</td>' in page  # population, French thousands separator
    assert "<h3>Faiblesses (2)</h3>" in page and "Mobilité et transports" in page
    assert "Fisher-Freeman-Halton" in page and "Stabilité des cinq premiers enjeux" in page
    assert "@media print" in page and "page-break-before:always" in page
    assert page.count("<script src=") == 0  # nothing fetched: works offline


def test_html_report_with_workshop(tmp_path, workshop_project):
    page = diagnostic.to_html(workshop_project, tmp_path / "r.html").read_text()
    headings = _headings(page)
    assert headings.index("Priorités partagées") == headings.index("Groupes d'acteurs") + 1
    # four figures, two maps, one chart of the most used words of the example's comments,
    # the projects × resources matrix and the projects' map
    assert page.count('class="plotly-graph-div"') == 9
    assert page.count("* plotly.js v") == 1  # the library embedded once, for every figure
    assert "Vote aux gommettes : 6 participants." in page
    assert '<td class="num">75,0 %</td>' in page
    personal = workshop_project.personal["value"].dropna().unique().tolist()
    assert [v for v in personal if v in page] == []


def test_indicator_codes_outside_the_study_geography_are_reported(tmp_path):
    """A geography holding the EPCI's 33 communes only: the 352 other Orne communes of the
    comparateur cannot be placed, and each one is reported instead of silently dropped."""
    toml = bare_example(tmp_path / "projet")
    communes = toml.parent / "geo" / "communes.json"
    epci = json.loads((toml.parent / "geo" / "epci.json").read_text(encoding="utf-8"))
    members = {m["code"] for e in epci if e["code"] == "200036069" for m in e["membres"]}
    lines = communes.read_text(encoding="utf-8").splitlines()
    kept = [x.rstrip(",") for x in lines if x.startswith("{") and x[9:14] in members]
    communes.write_text("[\n" + ",\n".join(kept) + "\n]\n", encoding="utf-8")
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[[indicators]]\nfile = "insee/base_cc_comparateur_orne.csv"\n',
        encoding="utf-8",
    )
    found = diagnostic.run_diagnostic(diagnostic.read_project(toml)).anomalies
    found = found[found["action"] == "commune laissée hors des comparaisons"]
    # one line per file, column and problem, counting the rows (not 352 lines)
    assert len(found) == 1 and found["problem"].item().endswith(f"({385 - 33} valeurs)")
    assert set(found["file"]) == {"base_cc_comparateur_orne.csv"}
    assert found["value"].item().startswith("61001 ; 61002 ; ")


def test_anomalies_sheet_opens_with_a_summary_by_problem(workshop_book, workshop_project):
    """The summary counts, per problem, the lines of the detail below it and the rows they
    speak of; the detail keeps every line of the anomalies table."""
    rows = list(load_workbook(workshop_book)["Anomalies"].iter_rows(values_only=True))
    firsts = [r[0] for r in rows]
    top = firsts.index("Fichiers")
    # the problem sits in the detail's « Problème » column (the fifth)
    assert rows[top][:5] == (
        "Fichiers",
        "Lignes du détail",
        "Lignes ou colonnes concernées",
        "Suite donnée",
        "Problème",
    )
    detail = firsts.index("Fichier")
    assert rows[detail][4] == "Problème"
    summary = [r for r in rows[top + 1 : detail] if r[0] not in (None, "Détail")]
    table = workshop_project.anomalies
    assert len(rows) - detail - 1 == len(table)  # every line of the detail written
    assert sum(r[1] for r in summary) == len(table)
    # Merlerault-le-Pin's four former codes (61017, 61188, 61192, 61310), in the two INSEE
    # files and DREES's file of the example: three files, three lines, twelve codes
    moved = [r for r in summary if str(r[4]).startswith("code d'un autre millésime")]
    assert [(r[0], r[1], r[2]) for r in moved] == [(3, 3, 12)]
    assert [r[2] for r in summary] == sorted((r[2] for r in summary), reverse=True)


def test_data_sheet_joins_repeat_answers_in_row_order(shared):
    """Kobo sample: 5 households, their members' ages and sexes in the order of the sheet."""
    from types import SimpleNamespace

    from diagnostic.export.data_sheet import data_table

    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    s = diagnostic.read_responses(
        folder / "data.xlsx", diagnostic.read_form(folder / "sample_xlsform.xlsx")
    )
    table = data_table(
        SimpleNamespace(
            questions=s.questions, answers=s.answers, choices=s.choices, actors=s.actors
        ),
        "consultant",  # every row as it is: 5 households are below any group size
    )
    assert table["age"].tolist() == ["56", "2 ; 3 ; 10 ; 45 ; 35", "4 ; 34 ; 34", "51", "21 ; 25"]
    assert table["sex"].iloc[1] == "Male ; Male ; Female ; Male ; Female"
    assert table["HHSize"].tolist() == [1, 5, 3, 1, 2]  # outside the repeat: numbers


def test_network_export_survives_a_pseudonym_collision(tmp_path):
    from diagnostic.export.network import opportunity_graph, to_gexf, to_kumu

    actors = pd.DataFrame(
        {
            "actor_id": ["A-1", "A-1", "A-2"],
            "actor_type": ["association", "entreprise", "commune"],
            "commune_code": ["61293", "61293", "61116"],
        }
    )
    opportunities = pd.DataFrame(
        {
            "kind": ["direct"],
            "need_actor": ["A-1"],
            "offer_actor": ["A-2"],
            "category": ["locaux"],
            "score": [1.0],
            "status": ["à discuter"],
        }
    )
    g = opportunity_graph(opportunities, actors)
    assert dict(g.nodes(data=True))["A-1"]["commune_code"] == "61293"
    assert dict(g.nodes(data=True))["A-1"]["actor_type"] == ""  # the two disagree
    assert dict(g.nodes(data=True))["A-2"]["actor_type"] == "commune"
    to_gexf(g, tmp_path / "g.gexf")
    elements, _connections = to_kumu(g, tmp_path)
    assert sorted(pd.read_csv(elements)["Label"]) == ["A-1", "A-2"]


def test_network_files_from_one_plain_copy_equal_the_separate_ones(tmp_path):
    """`write_outputs` masks the graph once for Gephi and Kumu: the same files as each
    writer masking it on its own; a contact in an attribute masked in both."""
    from diagnostic.export.network import plain_graph, to_gexf, to_kumu

    g = nx.Graph()
    g.add_node("A-1", kind="actor", actor_type="association", label="écrire à jo@exemple.fr")
    g.add_node("A-2", kind="actor", actor_type="commune", label="A-2")
    g.add_edge("A-1", "A-2", relation="direct", category="locaux", score=np.float64(0.5))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    to_gexf(g, tmp_path / "a" / "g.gexf")
    to_kumu(g, tmp_path / "a")
    plain = plain_graph(g)
    assert plain.nodes["A-1"]["label"] == "écrire à [courriel masqué]"
    assert plain.nodes["A-1"]["kind"] == "acteur"
    to_gexf(plain, tmp_path / "b" / "g.gexf", plain=True)
    to_kumu(plain, tmp_path / "b", plain=True)
    for name in ("g.gexf", "elements.csv", "connections.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "jo@exemple.fr" not in (tmp_path / "b" / "elements.csv").read_text(encoding="utf-8")


def test_demo_shows_everything_the_example_holds(demo_out, book):
    """Portrait with its references, regard croisé, shared priorities and maps."""
    assert book.sheetnames == SHEETS
    ws = book["Portrait du territoire"]
    h = _header_row(ws, "Indicateur")
    headers = [c.value for c in ws[h]]
    assert headers[2:6] == [
        "Zone d'étude",
        "EPCI (CC du Pays de Mortagne-au-Perche)",
        "Département (Orne)",
        "Région (Normandie)",
    ]
    rows = _rows(ws)
    assert len([r for r in rows.values() if isinstance(r[4], (int, float))]) >= 8
    # Normandie and France from the example's references file, which the source names
    assert headers[6] == "France"
    population = rows["Population municipale 2022"]
    assert population[2:7] == (13515, 13515, 276144, 3339074, 67760573)
    assert "populations légales" in population[headers.index("Source")]
    assert "comparateur" in population[headers.index("Source")]
    assert len(list(book["Regard croisé"].iter_rows())) > 5
    page = (demo_out / "diagnostic.html").read_text(encoding="utf-8")
    for title in ("Portrait du territoire", "Regard croisé", "Priorités partagées"):
        assert f">{title}</h2>" in page, title
    assert page.count('<div class="fig map">') == 2
    assert "Acteurs r\\u00e9pondants par commune" in page  # in the figure's JSON
    assert "Taux de chômage des 15-64 ans 2022 (%)" in page  # the portrait's table
    assert ">Département (Orne)</th>" in page and ">Région (Normandie)</th>" in page
    assert ">France</th>" in page


def test_workbook_has_the_participation_map_image(demo_out):
    with zipfile.ZipFile(demo_out / "diagnostic.xlsx") as z:
        names = z.namelist()
        images = [n for n in names if n.startswith("xl/media/")]
        assert len(images) == 1 and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
        workbook = z.read("xl/workbook.xml").decode()
        order = re.findall(r'<sheet name="([^"]+)"', workbook)
        sheet = order.index("Participation") + 1
        rels = z.read(f"xl/worksheets/_rels/sheet{sheet}.xml.rels").decode()
        drawing = re.search(r'Target="../drawings/(drawing\d+\.xml)"', rels)[1]
        drawn = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
        assert images[0].removeprefix("xl/") in drawn.replace("../", "")
        assert "Acteurs répondants par commune" in z.read(f"xl/drawings/{drawing}").decode()


def test_groups_of_actors_name_their_issues_in_words(book, demo_out, example_diag):
    """The clusters table holds issue ids; the sheet and the report show the issues' labels."""
    ws = book["Groupes d'acteurs"]
    h = _header_row(ws, "Groupe")
    headers = [c.value for c in ws[h]]
    column = headers.index("Enjeux") + 1
    shown = [ws.cell(r, column).value for r in range(h + 1, ws.max_row + 1)]
    assert shown[0] == "Mobilité et transports"  # G01, enjeu_mobilite
    assert not any("enjeu_" in str(v) for v in shown)
    assert len(shown) == len(example_diag.clusters)
    page = (demo_out / "diagnostic.html").read_text(encoding="utf-8")
    assert "<td>enjeu_mobilite</td>" not in page and "<td>Mobilité et transports</td>" in page
