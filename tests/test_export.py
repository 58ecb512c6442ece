import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

import diagnostic
from diagnostic.export import privacy
from diagnostic.export.workbook import SHEETS


@pytest.fixture(scope="module")
def book(demo_out):
    return load_workbook(demo_out / "diagnostic.xlsx")


def test_sheet_order_and_summary_links(book):
    assert book.sheetnames == SHEETS
    links = [c.hyperlink.location for c in book["Sommaire"]["A"] if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in SHEETS[1:]]


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
    assert ws.cell(h + 1, 5).value == pytest.approx(float(example_diag.issue_ranking["support"].iloc[0]))
    assert "Base : 148 acteurs répondants" in ws["A2"].value
    assert len(ws._charts) == 1
    assert ws.freeze_panes == f"A{h + 1}"


def test_small_group_shown_as_n_below_minimum(book):
    ws = book["Convergences"]
    h = _header_row(ws, "Enjeu")
    headers = [c.value for c in ws[h]]
    col = headers.index("Financeur (n=4)") + 1
    values = {ws.cell(r, col).value for r in range(h + 1, h + 12)}
    assert values == {"n<5"}


def test_status_drop_down(book):
    ws = book["Pistes de coopération"]
    dv = ws.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].formula1 == '"à valider,validé,écarté"'


def test_injected_formula_is_stored_as_text(book, demo_out):
    ws = book["Données"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
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
    assert len(actors) == 148
    ranking = pd.read_csv(demo_out / "tables" / "issue_ranking.csv")
    assert ranking.columns.tolist() == diagnostic.SCHEMAS["issue_ranking"].keys().__iter__().__class__ and False or \
        ranking.columns.tolist() == list(diagnostic.SCHEMAS["issue_ranking"])
    for name in ("group_matrix", "opportunities", "clusters", "context", "participation", "anomalies"):
        assert (demo_out / "tables" / f"{name}.csv").stat().st_size > 100, name


def test_html_embeds_plotly_once(demo_out):
    page = (demo_out / "diagnostic.html").read_text()
    assert page.count("plotly.js v") == 1 or page.count("* plotly.js") == 1
    assert page.count('class="plotly-graph-div"') == 3
    assert "Enjeux communs" in page


def test_interrupted_export_leaves_previous_workbook_intact(tmp_path, example_diag, monkeypatch):
    path = tmp_path / "diagnostic.xlsx"
    diagnostic.to_workbook(example_diag, path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disque plein (simulé)")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", boom)
    with pytest.raises(OSError, match="simulé"):
        diagnostic.to_workbook(example_diag, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["diagnostic.xlsx"]


@pytest.mark.parametrize("text, masked", [
    ("jo@exemple.fr", "[courriel masqué]"),
    ("appelez le 06 12 34 56 78 svp", "appelez le [téléphone masqué] svp"),
    ("+33 6 12 34 56 78", "[téléphone masqué]"),
    ("2026 : 150 réponses", "2026 : 150 réponses"),
])
def test_mask_text(text, masked):
    assert privacy.mask_text(text) == masked


def test_network_exports_for_gephi_and_kumu(demo_out, example_diag):
    import networkx as nx

    g = nx.read_gexf(demo_out / "reseau" / "cooperation.gexf")
    opp = example_diag.opportunities
    pairs = opp[opp["kind"].isin(["direct", "reciprocal"])]
    expected_edges = {frozenset(p) for p in zip(pairs["need_actor"], pairs["offer_actor"])}
    assert g.number_of_edges() == len(expected_edges)
    assert g.number_of_nodes() == len(set(pairs["need_actor"]) | set(pairs["offer_actor"]))
    node = next(iter(g.nodes(data=True)))
    assert node[1]["actor_type"] in {"entreprise", "association", "cooperative", "collectivite", "financeur"}
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


@pytest.mark.parametrize("payload", [
    "=cmd|' /C calc'!A0", '=HYPERLINK("http://x.invalid","clic")', "+1+1", "-2+3", "@SUM(A1)",
    "\t=1+1", "\r=1+1", "texte\x00avec\x07contrôle", "\u202edroite-à-gauche", "x" * 40000,
])
def test_hostile_text_is_written_inert(tmp_path, payload):
    from openpyxl import Workbook

    from diagnostic.export.cells import put

    wb = Workbook()
    put(wb.active, 1, 1, payload)
    wb.save(tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx").active["A1"]
    assert cell.data_type == "s"
    assert isinstance(cell.value, str) and len(cell.value) <= 32000
    assert "\x00" not in cell.value and "\x07" not in cell.value
