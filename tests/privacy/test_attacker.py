"""An attacker's arithmetic on everything a funder receives, written without our code.

The attacker reads the CSV tables and the workbook (openpyxl), knows the method (the
Méthode sheet: top two levels of the scale count as support) and tries to get a figure on a
group of fewer than `min_group_size` actors:

- by subtraction: issue totals minus the shown cells, per-actor rows summed by type minus
  the shown cells, the respondents of the survey minus the published counts;
- by linking: actor-by-actor tables joined on the actor id, then grouped on what they say
  of each actor (type, commune, EPCI).

The same attacks on the consultant's outputs (everything, as it is) do find small groups:
the test has teeth.
"""

import re
from collections import Counter

import pandas as pd
import pytest
from openpyxl import load_workbook

import diagnostic

K = 5  # the example's min_group_size (data/example/diagnostic.toml)
SUPPORT = {"Important", "Très important"}  # the top two levels of the example's scale


def _sheet(path, name):
    ws = load_workbook(path, read_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    return rows


def _data_sheet(folder) -> pd.DataFrame:
    rows = _sheet(folder / "diagnostic.xlsx", "Données")
    h = next(i for i, r in enumerate(rows) if r[0] == "Acteur")
    return pd.DataFrame(rows[h + 1 :], columns=rows[h]).dropna(subset=["Acteur"])


def _type_labels(diag) -> dict:
    lists = diag.questions.loc[diag.questions["role"] == "actor_type", "list_name"]
    sub = diag.choices[diag.choices["list_name"].isin(set(lists))]
    return dict(zip(sub["value"], sub["label"]))


def _issues(diag) -> list:
    return diag.questions.loc[diag.questions["role"] == "issue_importance", "question_id"].tolist()


def subtraction_leaks(folder, diag) -> list:
    """Every group of 1 to K-1 actors whose issue figures the attacker can compute."""
    data = _data_sheet(folder)
    matrix = pd.read_csv(folder / "tables" / "group_matrix.csv")
    ranking = pd.read_csv(folder / "tables" / "issue_ranking.csv").set_index("issue_id")
    labels = _type_labels(diag)
    leaks = []
    for issue in _issues(diag):
        answered = data[data[issue].notna() & (data[issue] != "Ne sait pas")]
        shown = matrix[(matrix["issue_id"] == issue) & ~matrix["suppressed"].astype(bool)]
        shown_types = {labels[t] for t in shown["actor_type"]}
        # per-actor rows of a type minus its shown cell: must be nothing
        for t, cell in shown.set_index("actor_type").iterrows():
            rows = answered[answered["Type d'acteurs"] == labels[t]]
            extra = len(rows) - int(cell["respondents"])
            if 0 < extra < K:
                leaks.append((issue, labels[t], extra))
        # rows of no shown type (per-actor totals minus the shown cells): a group of K or 0
        rest = data[~data["Type d'acteurs"].isin(shown_types)]
        if 0 < len(rest) < K:
            leaks.append((issue, "rest of the rows", len(rest)))
        # the published total minus the shown cells
        hidden = int(ranking.at[issue, "respondents"]) - int(shown["respondents"].sum())
        if hidden:
            leaks.append((issue, "total minus cells", hidden))
    return leaks


def linking_leaks(folder) -> Counter:
    """Actor-by-actor tables joined on the id: how many actors are alone (or fewer than K)
    on what the tables say of them."""
    actors = pd.read_csv(folder / "tables" / "actors.csv", dtype=str)
    data = _data_sheet(folder)[["Acteur", "Type d'acteurs", "Code commune"]]
    joined = actors.merge(data, left_on="actor_id", right_on="Acteur", how="outer")
    keys = joined[["actor_type", "commune_code", "epci_code", "Type d'acteurs", "Code commune"]]
    keys = keys.astype(object).where(keys.notna(), "∅").apply(tuple, axis=1)
    sizes = keys.map(keys.value_counts())
    return Counter(int(n) for n in sizes if n < K)


@pytest.fixture(scope="module")
def consultant_out(tmp_path_factory, example_diag):
    out = tmp_path_factory.mktemp("consultant")
    diagnostic.write_outputs(example_diag, out, audience="consultant")
    return out


def test_the_attacks_find_small_groups_in_the_consultants_outputs(consultant_out, example_diag):
    # the 4 financeurs' answers on every issue, from the per-actor rows; and the 55 actors
    # alone of their type in their commune (or without one), from the actor table
    leaks = subtraction_leaks(consultant_out, example_diag)
    assert {(who, n) for _i, who, n in leaks} == {("rest of the rows", 4)}
    assert len(leaks) == len(_issues(example_diag))
    alone = example_diag.actors.groupby(["actor_type", "commune_code"], dropna=False).size()
    assert int((alone == 1).sum()) == 55
    assert linking_leaks(consultant_out)[1] == 55


def test_no_subtraction_on_the_funders_outputs_reaches_a_small_group(demo_out, example_diag):
    assert subtraction_leaks(demo_out, example_diag) == []


def test_no_actor_of_the_funders_tables_is_in_a_group_below_k(demo_out):
    assert linking_leaks(demo_out) == Counter()


def test_supporters_of_the_shown_cells_are_those_of_the_per_actor_rows(demo_out, example_diag):
    """Nothing to gain by comparing the per-actor rows with the cells: they agree."""
    data = _data_sheet(demo_out)
    matrix = pd.read_csv(demo_out / "tables" / "group_matrix.csv")
    labels = _type_labels(example_diag)
    shown = matrix[~matrix["suppressed"].astype(bool)]
    assert len(shown) == 44  # 4 types × 11 issues
    for cell in shown.itertuples():
        rows = data[data["Type d'acteurs"] == labels[cell.actor_type]]
        assert rows[cell.issue_id].isin(SUPPORT).sum() == cell.supporters, cell
    # the hidden cells say nothing of their group: no count, no share
    hidden = matrix[matrix["suppressed"].astype(bool)]
    assert set(hidden["actor_type"]) == {"financeur"}
    assert hidden[["respondents", "supporters", "support"]].isna().all().all()


def test_counts_of_respondents_hold_no_small_group(demo_out, example_diag):
    participation = pd.read_csv(demo_out / "tables" / "participation.csv", dtype={"epci_code": str})
    counts = participation["respondents"].dropna()
    assert ((counts == 0) | (counts >= K)).all()
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    data = _data_sheet(demo_out)
    labels = _type_labels(example_diag)
    by_type = participation[participation["actor_type"] != "—"].groupby("actor_type")
    # the same count of each type in every table: no difference to exploit
    assert (
        by_type["respondents"].sum().astype(int).to_dict()
        == actors["actor_type"].value_counts().to_dict()
    )
    assert {labels[t]: n for t, n in actors["actor_type"].value_counts().items()} == data[
        "Type d'acteurs"
    ].value_counts().to_dict()
    # the workbook's counts by type, beside the table
    rows = _sheet(demo_out / "diagnostic.xlsx", "Participation")
    h = next(i for i, r in enumerate(rows) if r[0] == "Commune")
    beside = {r[8]: r[9] for r in rows[h + 1 :] if r[8]}
    assert beside == {labels[t]: n for t, n in actors["actor_type"].value_counts().items()}
    assert min(beside.values()) >= K
    # what stays derivable: the respondents minus the published counts, the withheld
    # actors, said in the Méthode (their number, never their answers)
    method = " ".join(str(r[0]) for r in _sheet(demo_out / "diagnostic.xlsx", "Méthode") if r[0])
    withheld = len(example_diag.actors) - len(actors)
    assert withheld == 4 and f"ses {withheld} acteurs ne sont détaillés nulle part" in method
    found = re.search(r"(\d+) acteurs étaient seuls .*?, (\d+) le sont après", method)
    assert found and found.groups() == ("55", "0")


def test_clusters_publish_no_member_and_no_count_of_a_withheld_actor(demo_out, example_diag):
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    kinds = dict(zip(actors["actor_id"], actors["actor_type"]))
    labels = {**_type_labels(example_diag), "autres": "Autres types d'acteurs"}
    clusters = pd.read_csv(demo_out / "tables" / "clusters.csv")
    assert len(clusters) > 0
    for c in clusters.itertuples():
        members = [m.strip() for m in c.actors.split(";")]
        assert set(members) <= set(kinds) and c.size == len(members) >= K
        counts = Counter(labels[kinds[m]] for m in members)
        told = dict(p.rsplit(" : ", 1) for p in c.actor_types.split(" ; "))
        assert {t: int(n) for t, n in told.items()} == dict(counts)
    assert "Financeur" not in clusters["actor_types"].str.cat()
    # the workbook's « Groupes d'acteurs » says the same
    rows = _sheet(demo_out / "diagnostic.xlsx", "Groupes d'acteurs")
    h = next(i for i, r in enumerate(rows) if r[0] == "Groupe")
    sheet = {r[0]: (r[3], r[4]) for r in rows[h + 1 :] if r[0]}
    assert sheet == {c.cluster_id: (c.size, c.actor_types) for c in clusters.itertuples()}


def _figures(page: str) -> list:
    """The data of every plotly figure of a report (the attacker reads the page source)."""
    import json

    out, decoder = [], json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page):
        data, _end = decoder.raw_decode(page, m.end())
        out.append(data)
    return out


def test_the_reports_figures_hold_no_figure_of_a_small_group(demo_out, example_diag):
    page = (demo_out / "diagnostic.html").read_text(encoding="utf-8")
    charts = [f for f in _figures(page) if not any(t.get("fill") == "toself" for t in f)]
    participation, ranking, heatmap = charts[:3]  # the maps (shapes) apart
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    labels = _type_labels(example_diag)
    bars = participation[0]
    drawn = dict(zip(bars["y"], bars["x"]))
    assert drawn == {labels[t]: n for t, n in actors["actor_type"].value_counts().items()}
    assert min(drawn.values()) >= K and "Financeur" not in drawn
    # the heatmap: the financeurs' column is drawn, without a value
    cells = heatmap[0]
    columns = [c.replace("<br>", " ") for c in cells["x"]]
    j = columns.index("Financeur")
    assert all(row[j] is None for row in cells["z"])
    # the overall bars are the published supports: nothing more to subtract
    ranking_csv = pd.read_csv(demo_out / "tables" / "issue_ranking.csv")
    assert sorted(round(v, 6) for v in ranking[0]["x"]) == sorted(
        round(v, 6) for v in ranking_csv["support"]
    )
    # the groups' section: counts by type of kept actors only
    assert "Financeur : " not in page.split("Groupes d")[-1].split("Méthode")[0]


def test_the_collectives_outputs_resist_the_same_attacks(tmp_path, example_diag):
    out = tmp_path / "collectif"
    diagnostic.write_outputs(example_diag, out, audience="collective")
    assert subtraction_leaks(out, example_diag) == []
    assert linking_leaks(out) == Counter()


def test_the_free_text_outputs_say_nothing_of_the_withheld_type(demo_out):
    """Quotes, words and specific words by type: none for the 4 financeurs."""
    rows = _sheet(demo_out / "diagnostic.xlsx", "Paroles d'acteurs")
    cells = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "Financeur" not in cells and len(cells) > 100
    words = pd.read_csv(demo_out / "tables" / "text_words.csv", dtype=str)
    assert "financeur" not in set(words["actor_type"].dropna())


def _public_places(folder) -> dict:
    """actor_id -> what actors.csv says of its place: ("c", commune), ("e", EPCI) or ("o",)."""
    actors = pd.read_csv(folder / "tables" / "actors.csv", dtype=str)
    return {
        a: ("c", c) if isinstance(c, str) else ("e", e) if isinstance(e, str) else ("o",)
        for a, c, e in zip(actors["actor_id"], actors["commune_code"], actors["epci_code"])
    }


def cooperation_pins(folder, public_folder=None) -> dict:
    """Linking through the cooperation outputs, as the attacker reads them: the places of
    each project (its `communes` codes: 5 characters a commune, 9 digits an EPCI; and
    « autres communes » when its names say so) intersected over a member's projects, then
    shared along « dans la même commune » pairs and distances of 0 km. Returns every actor
    placed on a single commune that actors.csv (of `public_folder`, `folder` by default)
    does not give it."""
    import networkx as nx

    tables = folder / "tables"
    opportunities = pd.read_csv(tables / "opportunities.csv")
    projects = pd.read_csv(tables / "cooperation_projects.csv", dtype=str)
    public = _public_places(public_folder or folder)
    same = nx.Graph()
    for text, km in zip(opportunities["explanation"], opportunities["distance_km"]):
        if "dans la même commune" in text or km == 0:
            same.add_edge(*re.findall(r"A-[0-9a-f]{16}", text)[:2])
    places: dict = {}
    for members, communes, names in zip(
        projects["members"], projects["communes"].fillna(""), projects["commune_names"]
    ):
        here = {("c", c) if len(c) == 5 else ("e", c) for c in communes.split(";") if c}
        here |= {("o",)} if "autres communes" in str(names).lower() else set()
        for m in members.split(";"):
            places[m] = places.get(m, here) & here
    for group in nx.connected_components(same):
        told = {public[m] for m in group if public.get(m, ("o",))[0] == "c"}
        known = [places[m] for m in group if m in places] + [told] * bool(told)
        if known:
            common = set.intersection(*known)
            places.update(dict.fromkeys(group, common))
    return {
        m: p
        for m, p in places.items()
        if len(p) == 1 and next(iter(p))[0] == "c" and public.get(m) not in p
    }


def test_the_cooperation_outputs_pin_no_actors_commune(demo_out, consultant_out):
    """The funder's cooperation outputs place no actor beyond actors.csv; the consultant's
    (true communes, as the funder's outputs had them before) pin dozens of the actors the
    funder's actors.csv generalises: the attack has teeth."""
    assert cooperation_pins(demo_out) == {}
    assert len(cooperation_pins(consultant_out, demo_out)) >= 20  # 24 on the example


def test_the_opportunities_numbers_place_no_actor_beyond_the_actors_table(demo_out):
    """A distance, a geography score off the administrative values (0.6 same EPCI, 0.2
    elsewhere) or a competition warning is told only of two actors who both keep their
    commune in actors.csv; « même intercommunalité » only of two who keep the same EPCI."""
    opportunities = pd.read_csv(demo_out / "tables" / "opportunities.csv")
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str).set_index("actor_id")
    pairs = opportunities[opportunities["kind"].isin(["direct", "reciprocal"])]
    assert len(pairs) > 400
    for row in pairs.itertuples():
        a, b = (
            actors.loc[x] if x in actors.index else None for x in (row.need_actor, row.offer_actor)
        )
        placed = a is not None and b is not None and isinstance(a["commune_code"], str)
        placed = placed and isinstance(b["commune_code"], str)
        telling = (
            pd.notna(row.distance_km)
            or round(row.score_geo, 4) not in (0.6, 0.2)
            or "risque de concurrence" in row.explanation
            or "dans la même commune" in row.explanation
        )
        if telling:
            assert placed, row
        if "dans la même commune" in row.explanation:
            assert a["commune_code"] == b["commune_code"], row
        if "même intercommunalité" in row.explanation:
            assert a is not None and b is not None and a["epci_code"] == b["epci_code"], row
    # the scores are those of these public places (the default weights of the Méthode:
    # 0.4 category + 0.1 text + 0.3 geography + 0.2 willingness)
    direct = pairs[pairs["kind"] == "direct"]
    score = (
        0.4 * direct["score_category"]
        + 0.1 * direct["score_text"]
        + 0.3 * direct["score_geo"]
        + 0.2 * direct["score_willingness"]
    )
    assert (direct["score"] - score).abs().max() < 1e-3
    # the rows of each kind in the order of their published scores
    for _kind, rows in opportunities.groupby("kind", sort=False):
        assert rows["score"].is_monotonic_decreasing


def _commune_names_in(text: str, communes: dict, epcis) -> set:
    """The codes of the communes whose name `text` mentions (EPCI names taken out first:
    « CC du Pays de Mortagne-au-Perche » is not the commune of Mortagne-au-Perche)."""
    for name in sorted(epcis, key=len, reverse=True):
        text = text.replace(name, " ")
    return {
        code
        for code, name in communes.items()
        if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
    }


def test_every_cooperation_output_names_only_public_communes(demo_out, example_diag):
    """Workbook sheets (their XML, read with openpyxl), the report's cooperation sections
    and their figures, the fiches, the GEXF and Kumu files, the CSVs: a commune is named
    only if actors.csv gives it to an actor, and a GEXF node's commune is its commune in
    actors.csv."""
    import json
    import xml.etree.ElementTree as ET

    communes = dict(zip(example_diag.communes["commune_code"], example_diag.communes["name"]))
    epcis = set(example_diag.epci["name"])
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    public = set(actors["commune_code"].dropna())
    assert 0 < len(public) < len(set(example_diag.actors["commune_code"].dropna()))

    def named(text):
        return _commune_names_in(text, communes, epcis)

    found = {}
    for sheet in ("Projets de coopération", "Plan d'action"):
        cells = " ".join(str(v) for r in _sheet(demo_out / "diagnostic.xlsx", sheet) for v in r)
        found[sheet] = named(cells)
    page = (demo_out / "diagnostic.html").read_text(encoding="utf-8")
    section = page.split('id="s7"')[1].split('id="s10"')[0]
    found["report"] = named(re.sub(r"<script.*?</script>", " ", section, flags=re.S))
    for fig in _figures(section):  # the projects' map: markers on the members' communes
        for trace in fig:
            for point in trace.get("customdata") or []:
                found.setdefault("report map", set()).update(named(json.dumps(point)))
    fiches = (demo_out / "fiches_projets.html").read_text(encoding="utf-8")
    found["fiches"] = named(fiches)
    tables = demo_out / "tables"
    projects = pd.read_csv(tables / "cooperation_projects.csv", dtype=str)
    found["projects.csv"] = named(" ".join(projects.fillna("").to_numpy().ravel()))
    found["projects.csv codes"] = {
        c for cell in projects["communes"].dropna() for c in cell.split(";") if len(c) == 5
    }
    opportunities = pd.read_csv(tables / "opportunities.csv", dtype=str)
    found["opportunities.csv"] = named(" ".join(opportunities["explanation"]))
    for name, codes in found.items():
        assert codes <= public, (name, codes - public)
    assert found["projects.csv codes"] and found["fiches"]  # the public communes are shown
    # the network files: each actor's commune as actors.csv gives it
    told = dict(zip(actors["actor_id"], actors["commune_code"].fillna("")))
    ns = {"g": "http://www.gexf.net/1.2draft"}
    root = ET.parse(demo_out / "reseau" / "cooperation.gexf").getroot()
    titles = {a.get("id"): a.get("title") for a in root.iterfind(".//g:attribute", ns)}
    nodes = 0
    for node in root.iterfind(".//g:node", ns):
        values = {titles[v.get("for")]: v.get("value") for v in node.iterfind(".//g:attvalue", ns)}
        if values.get("kind") == "acteur":
            nodes += 1
            assert values.get("commune_code", "") == told.get(node.get("id"), ""), node.get("id")
    assert nodes > 100
    elements = pd.read_csv(demo_out / "reseau" / "elements.csv", dtype=str)
    people = elements[elements["Type"] == "acteur"]
    for a, c in zip(people["Label"], people["commune_code"].fillna("")):
        assert c == told.get(a, ""), a


def test_the_consultants_cooperation_outputs_name_the_true_communes(consultant_out, example_diag):
    """The same reading finds, in the consultant's outputs, communes actors.csv of the
    funder does not publish: the test above can fail."""
    communes = dict(zip(example_diag.communes["commune_code"], example_diag.communes["name"]))
    projects = pd.read_csv(consultant_out / "tables" / "cooperation_projects.csv", dtype=str)
    named = _commune_names_in(" ".join(projects["title"]), communes, set(example_diag.epci["name"]))
    assert len(named) > 5


def test_sector_beside_type_and_place_singles_nobody_out(demo_out, consultant_out):
    """Données gives each actor's type, place and sector: no combination of the three
    holds 1 to K-1 actors for the funder (56 actors did, 6 alone, before sectors were
    generalised), while the consultant's sheet has such groups."""

    def small(folder):
        data = _data_sheet(folder)[["Type d'acteurs", "Code commune", "secteur"]]
        keys = data.astype(object).where(data.notna(), "∅").apply(tuple, axis=1)
        sizes = keys.map(keys.value_counts())
        return int((sizes < K).sum()), data

    n, data = small(demo_out)
    assert n == 0
    assert "Autre secteur" in set(data["secteur"]) and data["secteur"].nunique() > 3
    assert small(consultant_out)[0] > 0


def _withheld_by_hand(diag) -> set:
    """The actors of types under K, and those without a type, when together under K."""
    actors = diag.actors.drop_duplicates("actor_id")
    sizes = actors["actor_type"].value_counts()
    small = actors["actor_type"].isna() | actors["actor_type"].map(sizes).lt(K).fillna(True)
    return set(actors.loc[small.astype(bool), "actor_id"]) if 0 < small.sum() < K else set()


def _every_text(folder):
    """Each output file as text (a workbook: the XML of its parts)."""
    import zipfile

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                parts = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
            yield path.relative_to(folder), " ".join(parts)
        elif path.suffix in {".csv", ".html", ".gexf", ".json", ".txt", ".md"}:
            yield path.relative_to(folder), path.read_text(encoding="utf-8")


def _who_leaks(folder, hidden) -> dict:
    found = {}
    for name, content in _every_text(folder):
        told = {i for i in hidden if i in content}
        told |= {w for w in ("non précisé", "? : ") if w in content}
        if told:
            found[str(name)] = told
    return found


def test_no_withheld_actor_is_in_any_public_output(demo_out, consultant_out, example_diag):
    """The 4 financeurs (a type under K, withheld): no id, no « non précisé » member, in
    any table, sheet, report, fiche or network file of the funder's outputs; the
    consultant's name them (as the funder's did: 3 projects, pairs and groups)."""
    hidden = _withheld_by_hand(example_diag)
    assert len(hidden) == 4
    assert _who_leaks(demo_out, hidden) == {}
    told = _who_leaks(consultant_out, hidden)
    assert {"tables/cooperation_projects.csv", "tables/opportunities.csv"} <= set(told)
    projects = pd.read_csv(consultant_out / "tables" / "cooperation_projects.csv", dtype=str)
    assert projects["members"].map(lambda m: bool(hidden & set(m.split(";")))).sum() == 3


def test_the_collectives_outputs_hold_no_withheld_actor(tmp_path, example_diag):
    out = tmp_path / "collectif"
    diagnostic.write_outputs(example_diag, out, audience="collective")
    assert _who_leaks(out, _withheld_by_hand(example_diag)) == {}


def test_public_projects_are_those_of_the_answers_without_the_withheld(
    demo_out, consultant_out, example_diag
):
    """Every published project recomputed here from the answers, the withheld actors left
    out: members, counts, types, and the size, diversity, offer, issues and willingness
    components; the score is their weighted sum with the nearness published; the id is
    that of the published members (no hidden member can be tested for)."""
    import hashlib

    diag = example_diag
    hidden = _withheld_by_hand(diag)
    actors = diag.actors.drop_duplicates("actor_id").set_index("actor_id")
    actors = actors[~actors.index.isin(hidden)]
    kinds = actors["actor_type"].astype(object)  # every kept type has at least K actors
    eligible = actors[actors["commune_code"].notna() & (actors["cooperation"] != "non")]
    room = eligible["actor_type"].nunique() - 1
    will = {"oui": 1.0, "peut_etre": 0.5}
    lists = dict(zip(diag.questions["question_id"], diag.questions["list_name"]))
    top = {
        (r.list_name, r.value)
        for r in diag.choices.itertuples()
        if r.label in SUPPORT  # the top two levels of the scale
    }
    answers = diag.answers
    supports = answers[
        [(lists.get(q), v) in top for q, v in zip(answers["question_id"], answers["value"])]
    ]
    rated = supports.groupby("actor_id")["question_id"].agg(set).to_dict()
    weights = {"size": 0.25, "diversity": 0.20, "offer": 0.20, "nearness": 0.15}
    weights |= {"issues": 0.10, "willingness": 0.10}

    public = pd.read_csv(demo_out / "tables" / "cooperation_projects.csv", dtype=str)
    truth = pd.read_csv(consultant_out / "tables" / "cooperation_projects.csv", dtype=str)
    assert len(public) == len(truth) == 15  # the 3 projects with a financeur still hold
    for row in public.itertuples():
        members = row.members.split(";")
        assert not hidden & set(members) and set(members) <= set(eligible.index)
        assert int(row.actors) == len(members)
        mix = Counter(kinds[m] for m in members)
        ranked = sorted(mix.items(), key=lambda x: (-x[1], x[0]))
        assert row.actor_types == ", ".join(f"{t} : {n}" for t, n in ranked)
        shared = Counter(i for m in members for i in rated.get(m, ()))
        best = max([n for n in shared.values() if n >= 2], default=0)
        parts = {
            "size": min(len(members), 8) / 8,
            "diversity": (len(mix) - 1) / room,
            "offer": 0.0 if row.kind == "mutualisation" else 1.0,
            "nearness": float(row.score_nearness),
            "issues": best / len(members),
            "willingness": sum(will.get(actors.at[m, "cooperation"], 0.5) for m in members)
            / len(members),
        }
        for part, value in parts.items():
            assert float(getattr(row, f"score_{part}")) == pytest.approx(value, abs=5e-5), part
        total = sum(weights[p] * v for p, v in parts.items())
        assert float(row.score) == pytest.approx(total, abs=2e-4)
        key = f"{row.resources}|{';'.join(sorted(members))}"
        assert row.project_id == "P-" + hashlib.sha256(key.encode()).hexdigest()[:8]
        assert f"{len(members) + 1} acteurs" not in row.summary  # the one left out
    scores = public["score"].astype(float).tolist()
    assert scores == sorted(scores, reverse=True)
    # the three projects a financeur was in: one member fewer, the same resource
    with_hidden = truth[truth["members"].map(lambda m: bool(hidden & set(m.split(";"))))]
    for row in with_hidden.itertuples():
        rest = sorted(set(row.members.split(";")) - hidden)
        assert ";".join(rest) in set(public["members"]), row.title


def test_public_opportunities_hold_no_pair_or_group_member_withheld(
    demo_out, consultant_out, example_diag
):
    hidden = _withheld_by_hand(example_diag)
    public = pd.read_csv(demo_out / "tables" / "opportunities.csv", dtype=str)
    truth = pd.read_csv(consultant_out / "tables" / "opportunities.csv", dtype=str)
    pairs = truth[truth["kind"].isin(["direct", "reciprocal"])]
    touched = pairs["actors"].map(lambda a: bool(hidden & {x.strip() for x in a.split(";")}))
    assert touched.sum() > 0
    # every pair without a withheld actor is still there, those with one are gone
    kept = public[public["kind"].isin(["direct", "reciprocal"])]
    assert len(kept) == len(pairs) - int(touched.sum())
    groups = public[~public["kind"].isin(["direct", "reciprocal"])]
    least = {"mutualisation": example_diag.settings.min_mutualisation, "pooling": 2}
    for row in groups.itertuples():
        members = [x.strip() for x in row.actors.split(";")]
        assert not hidden & set(members) and len(members) >= least[row.kind]
        assert float(row.score) == min(1.0, len(members) / 10)
        assert row.explanation.startswith(f"{len(members)} acteurs (")
        told = [int(n) for n in re.findall(r"(\d+) «", row.explanation.split(")")[0])]
        assert sum(told) == len(members)
    for kind in ("direct", "reciprocal", "mutualisation", "pooling"):
        scores = public.loc[public["kind"] == kind, "score"].astype(float).tolist()
        assert scores == sorted(scores, reverse=True), kind
