"""Every published issue figure recomputed from the example's raw files, with plain pandas:
the tables (issue_ranking.csv, group_matrix.csv) and the workbook's sheets that show them
(« Enjeux communs », « Convergences », the base of « Participation ») and the HTML
report's ranking table.

Only the raw Kobo export, the XLSForm and the project's settings are read here (openpyxl
for the published workbook); none of the package's functions. The rules written out are those the Méthode sheet states:
duplicate submissions and empty ones left out; « ne sait pas » and blanks out of every
base; an issue « important » for the top two levels of the 1–5 scale; a type compared when
it has at least `min_group_size` actors, a cell (type × issue) shown when it has at least
`min_group_size` answers; totals over the shown cells only; Wilson 95 % intervals; a type
« shares » an issue when the lower Wilson bound reaches `support_threshold`.
"""

import json
import math
import re
import unicodedata
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from diagnostic import example_project

Z = 1.959963984540054  # the 97.5 % quantile of the normal law
K, THRESHOLD = 5, 0.30  # the example's min_group_size and support_threshold (defaults)
META = ("start", "end", "_")


def _wilson(s, n):
    p = s / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def _tastle_wierman(levels, k=5):
    p = levels.value_counts(normalize=True)
    mu = (p * p.index).sum()
    return 1 + sum(pi * math.log2(1 - abs(x - mu) / (k - 1)) for x, pi in p.items())


@pytest.fixture(scope="module")
def raw():
    """The example's answers to the issue questions, one row per kept submission."""
    folder = example_project().parent
    export = pd.read_excel(folder / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    answers = [c for c in export.columns if not c.startswith(META)]
    export = export[export[answers].notna().any(axis=1)]  # an empty submission
    export = export.drop_duplicates("_uuid")  # the same submission twice: the first kept
    survey = pd.read_excel(
        folder / "formulaire_acteurs.xlsx", "survey", dtype=str, engine="openpyxl"
    )
    issues = survey[survey["name"].fillna("").str.startswith("enjeu_")]
    labels = {
        n: lab.split(" : ", 1)[1] for n, lab in zip(issues["name"], issues["label::Français (fr)"])
    }
    long = export.melt(
        id_vars=["_uuid", "identite/type_acteur"],
        value_vars=[f"enjeux/{n}" for n in labels],
        var_name="issue_id",
        value_name="level",
    ).rename(columns={"identite/type_acteur": "actor_type"})
    long["issue_id"] = long["issue_id"].str.removeprefix("enjeux/")
    types = export["identite/type_acteur"].value_counts()
    compared = set(types[types >= K].index)
    long = long[long["level"].isin(["1", "2", "3", "4", "5"])]  # « nsp » and blanks out
    long = long.assign(level=long["level"].astype(int), supports=long["level"].isin(["4", "5"]))
    cells = long.groupby(["issue_id", "actor_type"])["supports"].agg(n="size", s="sum")
    cells = cells.reset_index()
    cells["shown"] = cells["actor_type"].isin(compared) & (cells["n"] >= K)
    choices = pd.read_excel(
        folder / "formulaire_acteurs.xlsx", "choices", dtype=str, engine="openpyxl"
    )
    types = choices[choices["list_name"] == "types"]
    cells.attrs["type_labels"] = dict(zip(types["name"], types["label::Français (fr)"]))
    cells.attrs["submissions"] = len(export)
    return long, cells, labels, compared


def _sheet(path, name, first):
    """The table of a sheet: from its header row (first cell `first`) down."""
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and r[0] == first)
    table = pd.DataFrame(rows[top + 1 :], columns=rows[top])
    return rows, table.dropna(subset=[first])


def test_issue_ranking_recomputed_from_the_raw_export(raw, demo_out):
    long, cells, labels, compared = raw
    assert compared == {"association", "collectivite", "cooperative", "entreprise"}
    published = pd.read_csv(demo_out / "tables" / "issue_ranking.csv").set_index("issue_id")
    assert set(published.index) == set(labels)
    for issue, label in labels.items():
        c = cells[(cells["issue_id"] == issue) & cells["shown"]]
        shown = long[(long["issue_id"] == issue) & long["actor_type"].isin(c["actor_type"])]
        n, s = int(c["n"].sum()), int(c["s"].sum())
        share = c["s"] / c["n"]
        low, high = _wilson(s, n)
        sharing = sum(_wilson(a, b)[0] >= THRESHOLD for a, b in zip(c["s"], c["n"]))
        row = published.loc[issue]
        assert row["label"] == label
        assert row["respondents"] == n == len(shown)
        assert row["support"] == pytest.approx(s / n, abs=1e-12)
        assert (row["support_ci_low"], row["support_ci_high"]) == pytest.approx((low, high))
        assert row["support_by_type_mean"] == pytest.approx(share.mean())
        assert row["min_support"] == pytest.approx(share.min())
        assert row["breadth"] == sharing
        assert row["intensity"] == shown["level"].median()
        assert row["consensus"] == pytest.approx(_tastle_wierman(shown["level"]))
    # the order: breadth, then the mean over types, then support, then answers
    order = published.sort_values(
        ["breadth", "support_by_type_mean", "support", "respondents"], ascending=False
    )
    assert published["rank"].tolist() == list(range(1, len(published) + 1))
    assert published.index.tolist() == order.index.tolist()


def test_group_matrix_recomputed_from_the_raw_export(raw, demo_out):
    _long, cells, labels, _compared = raw
    published = pd.read_csv(demo_out / "tables" / "group_matrix.csv", dtype={"actor_type": str})
    published = published.set_index(["actor_type", "issue_id"]).sort_index()
    mine = cells.set_index(["actor_type", "issue_id"]).sort_index()
    assert published.index.equals(mine.index)
    shown = published[~published["suppressed"]]
    assert shown.index.equals(mine[mine["shown"]].index)
    assert shown["respondents"].tolist() == mine.loc[shown.index, "n"].tolist()
    assert shown["supporters"].tolist() == mine.loc[shown.index, "s"].tolist()
    np.testing.assert_allclose(
        shown["support"], mine.loc[shown.index, "s"] / mine.loc[shown.index, "n"]
    )
    # a hidden cell publishes no figure (the funders' tables, the default audience)
    hidden = published[published["suppressed"]]
    assert len(hidden) and hidden[["respondents", "supporters", "support"]].isna().all().all()


def test_workbook_issue_sheets_recomputed_from_the_raw_export(raw, demo_out):
    long, cells, labels, _compared = raw
    book = demo_out / "diagnostic.xlsx"
    _rows, ranking = _sheet(book, "Enjeux communs", "Rang")
    ranking = ranking.set_index("Enjeu")
    assert set(ranking.index) == set(labels.values())
    for issue, label in labels.items():
        c = cells[(cells["issue_id"] == issue) & cells["shown"]]
        shown = long[(long["issue_id"] == issue) & long["actor_type"].isin(c["actor_type"])]
        n, s = int(c["n"].sum()), int(c["s"].sum())
        row = ranking.loc[label]
        assert row["Répondants"] == n
        assert row["Soutien"] == pytest.approx(s / n)
        assert (row["IC 95 % bas"], row["IC 95 % haut"]) == pytest.approx(_wilson(s, n))
        assert row["Soutien moyen par type"] == pytest.approx((c["s"] / c["n"]).mean())
        assert row["Soutien minimal"] == pytest.approx((c["s"] / c["n"]).min())
        assert row["Importance médiane"] == shown["level"].median()
        assert row["Consensus"] == pytest.approx(_tastle_wierman(shown["level"]))
    # Convergences: one share per shown cell, « n<5 » elsewhere, each type's n range
    rows, matrix = _sheet(book, "Convergences", "Enjeu")
    matrix = matrix.set_index("Enjeu")
    names = cells.attrs["type_labels"]
    for kind, part in cells.groupby("actor_type"):
        heading = next(h for h in matrix.columns if h and h.startswith(names[kind]))
        on = part[part["shown"]]
        if len(on):
            assert heading == f"{names[kind]} (n={on['n'].min()}–{on['n'].max()})"
        for issue, n, s, visible in part[["issue_id", "n", "s", "shown"]].itertuples(index=False):
            cell = matrix.loc[labels[issue], heading]
            assert cell == (pytest.approx(s / n) if visible else "n<5"), (kind, issue)
    for issue, label in labels.items():
        c = cells[(cells["issue_id"] == issue) & cells["shown"]]
        share = c["s"] / c["n"]
        assert matrix.loc[label, "Écart max. entre types"] == pytest.approx(
            share.max() - share.min()
        )


def test_participation_base_is_every_kept_submission(raw, demo_out):
    _long, cells, _labels, _compared = raw
    rows = list(
        load_workbook(demo_out / "diagnostic.xlsx", read_only=True)["Participation"].iter_rows(
            values_only=True
        )
    )
    base = next(r[0] for r in rows if r and str(r[0]).startswith("Base"))
    assert (
        base
        == f"Base : {cells.attrs['submissions']} acteurs répondants"
        == ("Base : 148 acteurs répondants")
    )


class _Tables(HTMLParser):
    """Every <table> of a page as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_report_ranking_recomputed_from_the_raw_export(raw, demo_out):
    _long, cells, labels, _compared = raw
    page = _Tables()
    page.feed((demo_out / "diagnostic.html").read_text(encoding="utf-8"))
    table = next(t for t in page.tables if t and t[0][:3] == ["Rang", "Enjeu", "Soutien"])
    rows = {r[1]: r for r in table[1:]}
    assert set(rows) == set(labels.values())
    for issue, label in labels.items():
        c = cells[(cells["issue_id"] == issue) & cells["shown"]]
        support = c["s"].sum() / c["n"].sum()
        assert rows[label][2] == f"{support * 100:.1f} %".replace(".", ","), label
        sharing = sum(_wilson(a, b)[0] >= THRESHOLD for a, b in zip(c["s"], c["n"]))
        assert rows[label][3] == str(sharing)


def test_divergence_counts_recomputed_from_the_raw_export(raw, demo_out):
    # the tests themselves are recomputed from these cells in tests/analysis/test_contrasts.py
    _long, cells, labels, _compared = raw
    published = pd.read_csv(demo_out / "tables" / "divergence.csv").set_index("issue_id")
    for issue in labels:
        c = cells[(cells["issue_id"] == issue) & cells["shown"]]
        share = c["s"] / c["n"]
        row = published.loc[issue]
        assert row["respondents"] == c["n"].sum() and row["types"] == len(c)
        assert row["gap"] == pytest.approx(share.max() - share.min())


def _holm(p):
    """Holm's step-down adjustment, written out: the i-th smallest p times (m − i), kept
    non-decreasing, capped at 1."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, (len(p) - rank) * p[i])
        out[i] = min(1.0, running)
    return out


def test_divergence_tests_recomputed_with_scipy(raw, demo_out):
    """The method (analysis/divergence.py): Cramér's V of the type × supports table over the
    shown cells; the pair named « X > Y » is, for a BH-significant issue, the widest gap among
    the pairs whose two-sided Fisher exact test stays below 0.05 after Holm's correction over
    every pair of the issue; BH across the tested issues."""
    from scipy import stats

    _long, cells, labels, _compared = raw
    published = pd.read_csv(demo_out / "tables" / "divergence.csv").set_index("issue_id")
    names = cells.attrs["type_labels"]
    # BH over the tested issues, from the published (seeded Monte-Carlo) p-values
    bh = stats.false_discovery_control(published["p_value"].to_numpy())
    np.testing.assert_allclose(published["p_adjusted"], bh)
    assert published["significant"].tolist() == (bh < 0.05).tolist()
    named = 0
    for issue in labels:
        c = cells[(cells["issue_id"] == issue) & cells["shown"]].reset_index(drop=True)
        table = np.array([c["s"], c["n"] - c["s"]])
        chi2 = stats.chi2_contingency(table, correction=False).statistic
        row = published.loc[issue]
        assert row["effect_size"] == pytest.approx(math.sqrt(chi2 / c["n"].sum())), issue
        pairs = [(a, b) for a in range(len(c)) for b in range(a + 1, len(c))]
        p = [
            stats.fisher_exact(
                [[c["s"][a], c["n"][a] - c["s"][a]], [c["s"][b], c["n"][b] - c["s"][b]]]
            ).pvalue
            for a, b in pairs
        ]
        q = _holm(p)
        kept = [
            (abs(c["s"][a] / c["n"][a] - c["s"][b] / c["n"][b]), -qi, a, b)
            for (a, b), qi in zip(pairs, q)
            if qi < 0.05
        ]
        if not row["significant"] or not kept:
            assert pd.isna(row["pair_p_adjusted"]) and pd.isna(row["between"]), issue
            continue
        gap, minus_q, a, b = max(kept)
        hi, lo = (a, b) if c["s"][a] / c["n"][a] >= c["s"][b] / c["n"][b] else (b, a)
        assert row["pair_p_adjusted"] == pytest.approx(-minus_q, rel=1e-9), issue
        assert row["pair_gap"] == pytest.approx(gap)
        assert row["between"] == (f"{names[c['actor_type'][hi]]} > {names[c['actor_type'][lo]]}")
        named += 1
    assert named == 8  # every significant issue of the example names a pair


def _fold(name):
    """A commune name as compared here: casefold, accents off, hyphens and spaces alike,
    « St »/« Ste » spelled out."""
    name = unicodedata.normalize("NFKD", name.casefold().strip())
    name = re.sub(r"[\s\-']+", " ", "".join(c for c in name if not unicodedata.combining(c)))
    return re.sub(r"^ste ", "sainte ", re.sub(r"^st ", "saint ", name))


#: The misspellings read in the example's raw commune answers, by hand (after `_fold`).
TYPOS = {"mortagne au perch": "mortagne au perche"}


@pytest.fixture(scope="module")
def places():
    """The kept submissions' (commune code or None, actor type), placed by name on
    geo/communes.json, and the territory's communes (code -> population) from geo/epci.json
    and geo/communes.json."""
    folder = example_project().parent
    export = pd.read_excel(folder / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    answers = [c for c in export.columns if not c.startswith(META)]
    export = export[export[answers].notna().any(axis=1)].drop_duplicates("_uuid")
    communes = json.loads((folder / "geo" / "communes.json").read_text(encoding="utf-8"))
    by_name = {_fold(c["nom"]): c["code"] for c in communes if c["type"] == "commune-actuelle"}
    population = {c["code"]: c.get("population") for c in communes}
    epci = json.loads((folder / "geo" / "epci.json").read_text(encoding="utf-8"))
    members = next(e["membres"] for e in epci if e["code"] == "200036069")
    territory = {m["code"]: population[m["code"]] for m in members}

    def place(answer):
        if pd.isna(answer):
            return None
        key = _fold(answer)
        return by_name.get(TYPOS.get(key, key))

    frame = pd.DataFrame(
        {
            "code": export["identite/commune"].map(place),
            "actor_type": export["identite/type_acteur"],
        }
    )
    return frame, territory


def _published_counts(path):
    table = pd.read_csv(path, dtype={"commune_code": str, "epci_code": str})
    return table[table["actor_type"] != "—"]


def _side_counts(book):
    """The Participation sheet's per-type summary (its two right-hand columns)."""
    rows = list(load_workbook(book, read_only=True)["Participation"].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and r[0] == "Commune")
    return {r[-2]: r[-1] for r in rows[top + 1 :] if r[-2] is not None}


def test_participation_recomputed_from_the_raw_export(places, raw, example_diag, tmp_path):
    import diagnostic

    frame, territory = places
    # every raw answer is placed but the blank ones and « le Perche » (no commune's name)
    assert frame["code"].isna().sum() == 3
    assert not frame["actor_type"].isna().any() and len(frame) == 148
    inside = frame[frame["code"].isin(territory)]
    mine = inside.groupby(["code", "actor_type"]).size()
    totals = frame["actor_type"].value_counts()
    assert totals.to_dict() == {
        "entreprise": 56,
        "association": 46,
        "collectivite": 26,
        "cooperative": 16,
        "financeur": 4,
    }
    names = raw[1].attrs["type_labels"]

    # the consultant's table: the true communes
    diagnostic.write_outputs(example_diag, tmp_path / "c", audience="consultant")
    table = _published_counts(tmp_path / "c" / "tables" / "participation.csv")
    placed = table[table["commune_code"].isin(territory)]
    got = placed.set_index(["commune_code", "actor_type"])["respondents"].astype(int)
    assert got.sort_index().to_dict() == mine.sort_index().to_dict()
    for r in placed.itertuples():
        assert r.population == territory[r.commune_code]
        assert r.per_1000_inhabitants == pytest.approx(1000 * r.respondents / r.population)
    # the rest: the three unplaced answers and one commune outside the territory (Bellême)
    rest = table[~table["commune_code"].isin(territory)]
    outside = frame[~frame["code"].isin(territory)]
    assert rest.groupby("actor_type")["respondents"].sum().to_dict() == (
        outside["actor_type"].value_counts().sort_index().to_dict()
    )
    assert set(outside["code"].dropna()) == {"61038"}  # Bellême: counted with the unplaced
    assert rest["commune_code"].isna().all() and rest["establishments"].isna().all()
    assert _side_counts(tmp_path / "c" / "diagnostic.xlsx") == {
        names[k]: n for k, n in totals.items()
    }

    # the funder's public view: types under 5 actors withheld, no count under 5, the same
    # totals per published type, commune rows never above the true count
    diagnostic.write_outputs(example_diag, tmp_path / "f")
    public = _published_counts(tmp_path / "f" / "tables" / "participation.csv")
    assert public["respondents"].min() >= K
    big = totals[totals >= K]
    assert public.groupby("actor_type")["respondents"].sum().sort_index().to_dict() == (
        big.sort_index().to_dict()
    )
    shown = public[public["commune_code"].isin(territory)]
    assert len(shown)  # Mortagne-au-Perche's associations and firms
    for r in shown.itertuples():
        assert r.respondents == mine[(r.commune_code, r.actor_type)]
        assert r.per_1000_inhabitants == pytest.approx(1000 * r.respondents / r.population)
    assert _side_counts(tmp_path / "f" / "diagnostic.xlsx") == {names[k]: n for k, n in big.items()}


def _centroids_and_borders(folder):
    """Each commune's centroid (the mean of its contour's points, as the Méthode's
    « centroïdes » are defined in docs/reference/methode.md) and the pairs of communes whose
    contours share a point (to about a metre)."""
    contours = json.loads(
        (folder / "geo" / "contours_communes.geojson").read_text(encoding="utf-8")
    )
    centre, owners = {}, {}
    for feature in contours["features"]:
        code, ring = feature["properties"]["code"], feature["geometry"]["coordinates"][0]
        centre[code] = (np.mean([p[1] for p in ring]), np.mean([p[0] for p in ring]))
        for x, y in ring:
            owners.setdefault((round(x, 5), round(y, 5)), set()).add(code)
    borders = {frozenset((a, b)) for s in owners.values() for a in s for b in s if a != b}
    return centre, borders


def _km(a, b):
    """Great-circle distance (haversine, mean Earth radius) between (lat, lon) points."""
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_project_scores_recomputed_from_the_raw_export(places, example_diag, tmp_path):
    """Each score component of the example's projects, from the raw answers of the members
    as published (the consultant's contacts name them), by the Méthode's rules: size
    min(n, 8) / 8; diversity (types among the members − 1) / (types among the actors who
    may join a project − 1); offer 1 when a member offers the resource (an exchange always);
    nearness the mean over the pairs of members of 1 (same commune), 1 / (1 + d / 10 km)
    for centroids within 15 km, else 0, at least 0.5 for communes sharing a border;
    issues the most members rating one issue 4 or 5 (at least two), over n; willingness
    yes 1, maybe or blank 0.5. In the funder's table, two members of whom one has no
    published commune (actors.csv) are 0.5 near with the same published EPCI, else 0."""
    import diagnostic

    folder = example_project().parent
    frame, _territory = places
    export = pd.read_excel(folder / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    answers = [c for c in export.columns if not c.startswith(META)]
    export = export[export[answers].notna().any(axis=1)].drop_duplicates("_uuid")
    export = export.assign(code=frame["code"].to_numpy())
    by_contact = dict(
        zip(zip(export["identite/contact_email"], export["identite/telephone"]), export.index)
    )
    assert len(by_contact) == len(export)  # an e-mail and a phone name one submission
    willing = export[(export["cooperation/volonte"] != "non") & export["code"].notna()]
    room = willing["identite/type_acteur"].nunique() - 1
    centre, borders = _centroids_and_borders(folder)

    def close(a, b):
        if a == b:
            return 1.0
        d = _km(centre[a], centre[b])
        near = 1 / (1 + d / 10) if d <= 15 else 0.0
        return max(near, 0.5) if frozenset((a, b)) in borders else near

    issues = [c for c in export.columns if c.startswith("enjeux/")]
    diagnostic.write_outputs(example_diag, tmp_path / "c", audience="consultant")
    projects = pd.read_csv(tmp_path / "c" / "tables" / "cooperation_projects.csv", dtype=str)
    assert len(projects) == 15
    parts = ["size", "diversity", "offer", "nearness", "issues", "willingness"]
    weights = dict(zip(parts, (0.25, 0.20, 0.20, 0.15, 0.10, 0.10)))

    def check(p, rows, room, known=None):
        """`known`: member -> (published commune, published EPCI), for the public table,
        where two members' nearness is read from their published places only."""
        m = export.loc[rows]
        n = len(m)
        assert n == int(p.actors) and m["code"].notna().all()
        resources = p.resources.split(" ↔ ")
        offered = any((m[f"ressources/offres/{r}"] == "1").any() for r in resources)
        codes = list(m["code"])
        pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]]
        if known is not None:
            seen = [known[x] for x in p.members.split(";")]
            pairs_seen = [(a, b) for i, a in enumerate(seen) for b in seen[i + 1 :]]
            near = [
                close(a[0], b[0])
                if isinstance(a[0], str) and isinstance(b[0], str)
                else (0.5 if isinstance(a[1], str) and a[1] == b[1] else 0.0)
                for a, b in pairs_seen
            ]
        else:
            near = [close(a, b) for a, b in pairs]
        rated = m[issues].isin(["4", "5"]).sum()
        mine = {
            "size": min(n, 8) / 8,
            "diversity": (m["identite/type_acteur"].nunique() - 1) / room,
            "offer": 1.0 if len(resources) == 2 or offered else 0.0,
            "nearness": np.mean(near),
            "issues": rated.max() / n if rated.max() >= 2 else 0.0,
            "willingness": np.mean([1.0 if v == "oui" else 0.5 for v in m["cooperation/volonte"]]),
        }
        for part in parts:
            assert float(getattr(p, f"score_{part}")) == round(mine[part], 4), (p.project_id, part)
        assert float(p.score) == pytest.approx(
            sum(weights[k] * v for k, v in mine.items()), abs=5e-5
        )

    row_of = {}  # each member's submission, through the contacts the consultant's table gives
    for p in projects.itertuples():
        rows = [by_contact[tuple(c.split(", ")[1:3])] for c in p.member_contacts.split(" ; ")]
        row_of.update(zip(p.members.split(";"), rows))
        check(p, rows, room)
    # the funder's table: the same computation on the answers without the withheld actors
    # (the financeurs: a type of fewer than 5 actors, merged into « autres », still under 5)
    sizes = export["identite/type_acteur"].value_counts()
    withheld = export.index[export["identite/type_acteur"].map(sizes) < 5]
    assert len(withheld) == 4
    public_room = willing.drop(index=withheld, errors="ignore")["identite/type_acteur"].nunique()
    diagnostic.write_outputs(example_diag, tmp_path / "f")
    public = pd.read_csv(tmp_path / "f" / "tables" / "cooperation_projects.csv", dtype=str)
    # 5 types may join a project, 4 without the financeurs: diversity over 4, then over 3
    assert len(public) == 15 and (room, public_room - 1) == (4, 3)
    # a published commune is the member's own (checked against the raw export below)
    seen = pd.read_csv(tmp_path / "f" / "tables" / "actors.csv", dtype=str)
    known = dict(zip(seen["actor_id"], zip(seen["commune_code"], seen["epci_code"])))
    touched = 0
    for p in public.itertuples():
        rows = [row_of[m] for m in p.members.split(";")]  # public members were members
        assert not set(rows) & set(withheld)
        for member, row in zip(p.members.split(";"), rows):
            assert pd.isna(known[member][0]) or known[member][0] == export.at[row, "code"]
        check(p, rows, public_room - 1, known)
        touched += p.members not in set(projects["members"])
    assert touched == 3  # the 3 projects a financeur was in, without them
