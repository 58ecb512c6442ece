"""Cooperation projects: planted clusters land in one project each, refusers in none."""

import random
from dataclasses import replace

import pandas as pd
import pytest
from conftest import bare_example
from openpyxl import load_workbook

import diagnostic
from diagnostic.analysis.decisions import apply_decisions, read_decisions, write_decisions
from diagnostic.analysis.projects import find_projects, project_id, short_type
from diagnostic.settings import Settings

# three clusters of neighbouring communes (a few km apart), 60 km and more from each other
CLUSTERS = {
    "emploi_partage": {"91001": (48.50, 0.50), "91002": (48.53, 0.52), "91003": (48.51, 0.55)},
    "chambre_froide": {"92001": (49.20, 1.40), "92002": (49.22, 1.43)},
    "vehicules": {"93001": (47.80, 2.30), "93002": (47.83, 2.28), "93003": (47.79, 2.33)},
}
TYPES = ["entreprise", "association", "cooperative", "collectivite"]


def _planted(seed=7, noise=40):
    """Actors, needs, offers, centroids and the expected member set of each cluster."""
    rng = random.Random(seed)
    actors, needs, offers, coords, expected, refusers = [], [], [], [], {}, set()
    for resource, communes in CLUSTERS.items():
        coords += [(c, lat, lon) for c, (lat, lon) in communes.items()]
        size = rng.randint(4, 6)
        members = []
        for i in range(size + 1):  # the last one refuses to cooperate
            a = f"A-{resource[:4]}{i}"
            commune = rng.choice(sorted(communes))
            will = "non" if i == size else rng.choice(["oui", "oui", "peut_etre"])
            actors.append((a, TYPES[i % len(TYPES)], commune, "EPCI1", will))
            needs.append((a, resource))
            if i == size:
                refusers.add(a)
            else:
                members.append(a)
        if resource == "vehicules":  # one member offers what the others need
            offers.append((members[0], "vehicules"))
            needs.remove((members[0], "vehicules"))
        expected[resource] = set(members)
    for i in range(noise):  # scattered actors, far from every cluster and from each other
        a, commune = f"A-noise{i:02d}", f"94{i:03d}"
        coords.append((commune, 43.0 + 0.5 * (i % 8), -1.0 + 0.6 * (i // 8)))
        actors.append((a, rng.choice(TYPES), commune, "EPCI1", "oui"))
        needs.append((a, rng.choice(["emploi_partage", "chambre_froide", "vehicules", "locaux"])))
    return (
        pd.DataFrame(
            actors, columns=["actor_id", "actor_type", "commune_code", "epci_code", "cooperation"]
        ),
        pd.DataFrame(needs, columns=["actor_id", "category"]),
        pd.DataFrame(offers, columns=["actor_id", "category"]),
        pd.DataFrame(coords, columns=["commune_code", "lat", "lon"]),
        expected,
        refusers,
    )


@pytest.fixture(scope="module")
def planted():
    actors, needs, offers, coords, expected, refusers = _planted()
    found = find_projects(None, actors, needs, offers, coordinates=coords)
    return found, expected, refusers


def _members(found):
    return [set(m.split(";")) for m in found["members"]]


def test_each_planted_cluster_lands_in_one_project(planted):
    found, expected, _ = planted
    for resource, members in expected.items():
        holding = [m for m in _members(found) if m & members]
        assert holding == [members], resource
        row = found[found["members"].map(lambda m, s=members: set(m.split(";")) == s)]
        assert row["resources"].tolist() == [resource]


def test_refusers_are_in_no_project_and_the_list_is_short(planted):
    found, _, refusers = planted
    assert not set().union(*_members(found)) & refusers
    assert len(found) <= 15
    assert found.columns.tolist() == list(diagnostic.SCHEMAS["cooperation_projects"])


def test_kinds_and_who_offers(planted):
    found, expected, _ = planted
    by_resource = found.set_index("resources")
    assert by_resource.at["emploi_partage", "kind"] == "mutualisation"
    assert by_resource.at["vehicules", "kind"] == "pret_don"
    assert by_resource.at["vehicules", "offerers"] == "A-vehi0"
    assert by_resource.at["vehicules", "actors"] == len(expected["vehicules"])
    assert (found["status"] == "à valider").all()


def test_project_ids_are_stable_and_the_order_of_rows_does_not_matter():
    actors, needs, offers, coords, expected, _ = _planted()
    first = find_projects(None, actors, needs, offers, coordinates=coords)
    again = find_projects(
        None,
        actors.sample(frac=1, random_state=1),
        needs.sample(frac=1, random_state=2),
        offers,
        coordinates=coords.sample(frac=1, random_state=3),
    )
    pd.testing.assert_frame_equal(first, again)
    members = ";".join(sorted(expected["emploi_partage"]))
    assert project_id("emploi_partage", expected["emploi_partage"]) in set(first["project_id"])
    assert first.set_index("members").at[members, "project_id"].startswith("P-")


def _frames(rows, need_rows, offer_rows):
    actors = pd.DataFrame(
        rows, columns=["actor_id", "actor_type", "commune_code", "epci_code", "cooperation"]
    )
    return (
        actors,
        pd.DataFrame(need_rows, columns=["actor_id", "category"]),
        pd.DataFrame(offer_rows, columns=["actor_id", "category"]),
    )


def test_two_actors_make_a_project_only_when_one_offers_what_the_other_needs():
    rows = [
        ("A1", "association", "61001", "E1", "oui"),
        ("A2", "collectivite", "61002", "E1", "oui"),
        ("A3", "entreprise", "61003", "E1", "oui"),
        ("A4", "entreprise", "61004", "E1", "oui"),
    ]
    actors, needs, offers = _frames(
        rows, [("A1", "locaux"), ("A3", "formation"), ("A4", "formation")], [("A2", "locaux")]
    )
    found = find_projects(None, actors, needs, offers, category_labels={"locaux": "Locaux"})
    assert found["members"].tolist() == ["A1;A2"]  # two needers alone are not a project
    assert found["kind"].tolist() == ["pret_don"]
    assert found["title"].tolist() == ["Locaux — 61001 et 61002"]  # codes without names


def test_without_centroids_nearness_is_the_same_epci():
    rows = [(f"A{i}", "association", f"6100{i}", "E1" if i < 3 else "E2", "oui") for i in range(6)]
    actors, needs, offers = _frames(rows, [(f"A{i}", "locaux") for i in range(6)], [])
    found = find_projects(None, actors, needs, offers)
    assert sorted(found["members"]) == ["A0;A1;A2", "A3;A4;A5"]
    assert found["score_nearness"].tolist() == [0.5, 0.5]  # same EPCI, distance unknown


def test_unknown_willingness_stays_unknown():
    rows = [
        ("A1", "association", "61001", "E1", None),
        ("A2", "association", "61001", "E1", ""),
        ("A3", "entreprise", "61001", "E1", "oui"),
    ]
    actors, needs, offers = _frames(rows, [(a, "locaux") for a in ("A1", "A2", "A3")], [])
    summary = find_projects(None, actors, needs, offers)["summary"].iloc[0]
    assert "2 sans réponse sur la coopération" in summary and "1 prêt à coopérer" in summary
    assert "peut-être" not in summary


def test_no_more_projects_than_the_cap_on_one_offerer():
    rows = [("G", "collectivite", "61000", "E1", "oui")] + [
        (f"A{i}", "association", f"61{i:03d}", "E1", "oui") for i in range(1, 31)
    ]
    resources = ["locaux", "materiel", "vehicules", "formation", "energie"]
    need_rows = [(f"A{i}", resources[i % 5]) for i in range(1, 31)]
    actors, needs, offers = _frames(rows, need_rows, [("G", r) for r in resources])
    found = find_projects(None, actors, needs, offers)
    resting = found["offerers"].fillna("").str.split(";").map(lambda o: "G" in o)
    assert resting.sum() == 2  # max_projects_per_offerer
    fewer = find_projects(None, actors, needs, offers, settings=Settings(max_projects=3))
    assert len(fewer) == 3


def test_a_territory_of_200_actors_gives_at_most_15_projects():
    rng = random.Random(3)
    rows = [
        (f"A{i:03d}", rng.choice(TYPES), f"61{rng.randint(0, 30):03d}", "E1", "oui")
        for i in range(200)
    ]
    resources = ["locaux", "materiel", "vehicules", "formation", "energie", "numerique"]
    need_rows = [(f"A{i:03d}", r) for i in range(200) for r in rng.sample(resources, 2)]
    offer_rows = [(f"A{i:03d}", rng.choice(resources)) for i in range(0, 200, 4)]
    found = find_projects(None, *_frames(rows, need_rows, offer_rows))
    assert 6 <= len(found) <= 15
    assert (found["actors"] <= Settings().project_max_actors).all()
    assert found["score"].is_monotonic_decreasing


def test_short_type():
    assert short_type("Entreprise, artisan ou commerce", 3) == "3 entreprises"
    assert short_type("Association ou structure de l'ESS", 1) == "1 association"
    assert short_type("ESS") == "ESS"


def test_example_projects_name_actors_of_the_actors_table(example_diag, demo_out):
    projects = pd.read_csv(demo_out / "tables" / "cooperation_projects.csv", dtype=str)
    actors = pd.read_csv(demo_out / "tables" / "actors.csv", dtype=str)
    assert 1 <= len(projects) <= 15
    assert "member_names" not in projects.columns  # funder: no names at all
    members = {m for ms in projects["members"] for m in ms.split(";")}
    # the actors of a type below 5 (the 4 financeurs) are withheld from the actor table
    # (privacy.disclosure), not from the cooperation projects
    a = example_diag.actors
    small = set(a.loc[a["actor_type"].map(a["actor_type"].value_counts()) < 5, "actor_id"])
    assert len(small) == 4 and not small & set(actors["actor_id"])
    assert members <= set(actors["actor_id"]) | small
    refused = set(example_diag.actors.loc[example_diag.actors["cooperation"] == "non", "actor_id"])
    assert not members & refused
    assert projects["project_id"].is_unique
    # the planted two-way exchange of the example: vehicles for volunteers, both in Mortagne
    swap = projects[projects["resources"] == "benevoles ↔ vehicules"]
    assert swap["kind"].tolist() == ["echange"] and swap["actors"].tolist() == ["2"]


def test_settings_reach_the_projects(example_diag):
    fewer = replace(example_diag.settings, max_projects=4)
    project = replace(example_diag.project, settings=fewer)
    assert len(diagnostic.run_diagnostic(project).cooperation_projects) == 4


def test_decisions_are_matched_by_members_and_resources(tmp_path):
    actors, needs, offers, coords, expected, _ = _planted()
    found = find_projects(None, actors, needs, offers, coordinates=coords)
    path = write_decisions(found, tmp_path / "projets.csv")
    decided = read_decisions(path)
    emploi = decided["resources"] == "emploi_partage"
    decided.loc[emploi, "status"] = "Validé"  # case and accents as a person types them
    decided.loc[emploi, "carrier"] = "Mairie"
    decided.loc[emploi, "members"] = ";".join(sorted(expected["emploi_partage"], reverse=True))
    decided.loc[decided["resources"] == "vehicules", "status"] = "ongoing"  # English label
    gone = pd.DataFrame({"resources": ["locaux"], "members": ["A-x;A-y;A-z"], "status": ["écarté"]})
    odd = decided[decided["resources"] == "chambre_froide"].assign(status="peut-être")
    table = pd.concat([gone, odd, decided.iloc[::-1]], ignore_index=True)  # rows reordered
    kept, problems = apply_decisions(found, table)
    by_resource = kept.set_index("resources")
    assert by_resource.at["emploi_partage", "status"] == "validé"
    assert by_resource.at["emploi_partage", "carrier"] == "Mairie"
    assert by_resource.at["vehicules", "status"] == "en cours"
    assert by_resource.at["chambre_froide", "status"] == "à valider"
    assert problems["row"].tolist() == [2, 3]
    assert (
        "absent" in problems.iloc[0]["problem"] and "statut inconnu" in problems.iloc[1]["problem"]
    )


def test_decisions_read_back_from_the_workbook_reach_the_action_plan(tmp_path):
    project = bare_example(tmp_path / "projet").parent
    undecided = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    # the collective's workbook, filled in at the workshop
    written = diagnostic.to_workbook(undecided, tmp_path / "c.xlsx", audience="collective")
    book = load_workbook(written)
    ws = book["Projets de coopération"]
    head = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Projet")
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(head + 1, cols["Statut"]).value = "validé"
    ws.cell(head + 1, cols["Porteur"]).value = "Mairie de Mortagne"
    ws.cell(head + 2, cols["Statut"]).value = "en cours"
    chosen = {ws.cell(head + r, cols["Acteurs (identifiants)"]).value for r in (1, 2)}
    book.save(project / "decisions.xlsx")
    toml = project / "diagnostic.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[workshop]\nprojects = "decisions.xlsx"\n',
        encoding="utf-8",
    )
    diag = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    status = diag.cooperation_projects["status"]
    taken = diag.cooperation_projects[status.isin(["validé", "en cours"])]
    assert set(taken["members"]) == chosen
    assert set(taken["status"]) == {"validé", "en cours"}
    out = tmp_path / "out"
    diagnostic.write_outputs(diag, out)
    plan = load_workbook(out / "diagnostic.xlsx")["Plan d'action"]
    rows = [r for r in plan.iter_rows(values_only=True) if r[0] in ("validé", "en cours")]
    assert len(rows) == 2
    assert not any("Mairie de Mortagne" in str(v) for r in rows for v in r)  # no names
    projects = pd.read_csv(out / "tables" / "cooperation_projects.csv", dtype=str)
    assert "carrier" not in projects.columns  # a carrier is a name: not for funders


def test_pairs_without_a_cooperation_question_are_not_maybe_ready():
    from diagnostic import match_needs_offers

    actors = pd.DataFrame(
        {
            "actor_id": ["A1", "A2", "A3"],
            "actor_type": ["association", "entreprise", "collectivite"],
            "commune_code": ["61001", "61001", "61002"],
            "epci_code": ["E1", "E1", "E1"],
        }
    )
    needs = pd.DataFrame({"actor_id": ["A1", "A3"], "category": ["locaux", "locaux"]})
    offers = pd.DataFrame({"actor_id": ["A2"], "category": ["locaux"]})
    pairs = match_needs_offers(needs.assign(text=pd.NA), offers.assign(text=pd.NA), actors)
    direct = pairs[pairs["kind"] == "direct"]
    assert len(direct) == 2
    assert not direct["explanation"].str.contains("peut-être").any()
    assert direct["explanation"].str.endswith("Aucun des deux n'a dit s'il voulait coopérer.").all()
    one = actors.assign(cooperation=["oui", pd.NA, "oui"])
    pairs = match_needs_offers(needs.assign(text=pd.NA), offers.assign(text=pd.NA), one)
    assert (
        pairs["explanation"]
        .str.contains("Volonté de coopérer : prêt à coopérer et sans réponse.")
        .any()
    )


def test_contours_give_neighbours_and_centroids(shared):
    import json

    from diagnostic.analysis.projects import commune_layout

    contours = json.loads(
        (shared / "geo" / "gregoiredavid_communes-61-orne.geojson").read_text(encoding="utf-8")
    )
    centroids, neighbours = commune_layout(contours)
    assert len(centroids) == 389  # the Orne of 2018, one centroid per contour
    assert ("61293", "61414") in neighbours  # Mortagne-au-Perche, Saint-Langis-lès-Mortagne
    assert not any("61001" in pair and "61293" in pair for pair in neighbours)  # Alençon
    at = centroids.set_index("commune_code")
    assert 48.4 < at.at["61293", "lat"] < 48.6 and 0.4 < at.at["61293", "lon"] < 0.7


def test_neighbouring_communes_of_two_epci_are_close():
    rows = [
        ("A1", "association", "61293", "E1", "oui"),
        ("A2", "entreprise", "61414", "E2", "oui"),
        ("A3", "cooperative", "61414", "E2", "oui"),
        ("A4", "association", "61001", "E3", "oui"),
    ]
    actors, needs, offers = _frames(rows, [(a, "locaux") for a in ("A1", "A2", "A3", "A4")], [])
    assert find_projects(None, actors, needs, offers).empty  # three EPCI, no centroids
    found = find_projects(None, actors, needs, offers, neighbours={("61293", "61414")})
    assert found["members"].tolist() == ["A1;A2;A3"]


@pytest.mark.parametrize(
    "filters, kept",
    [
        ({}, ["P-1", "P-2", "P-3"]),
        ({"resource": "locaux"}, ["P-1", "P-3"]),  # one of a swap's resources counts
        ({"resource": "vehicules"}, ["P-2", "P-3"]),
        ({"commune": "61001"}, ["P-1", "P-3"]),
        ({"actor_type": "cooperative"}, ["P-2"]),
        ({"resource": "locaux", "actor_type": "association"}, ["P-1", "P-3"]),
        ({"resource": "locaux", "commune": "61002"}, []),
        ({"resource": "", "commune": None}, ["P-1", "P-2", "P-3"]),
    ],
)
def test_filter_projects_by_resource_commune_and_type(filters, kept):
    from diagnostic.analysis.projects import filter_projects

    projects = pd.DataFrame(
        {
            "project_id": ["P-1", "P-2", "P-3"],
            "resources": ["locaux", "vehicules", "locaux ↔ vehicules"],
            "communes": ["61001;61003", "61002", "61001"],
            "members": ["a;b;c", "d;e", "b;f"],
        }
    )
    actors = pd.DataFrame(
        {
            "actor_id": list("abcdef"),
            "actor_type": [
                "association",
                "entreprise",
                "entreprise",
                "cooperative",
                "commune",
                "association",
            ],
        }
    )
    assert filter_projects(projects, actors, **filters)["project_id"].tolist() == kept


def test_a_missing_type_is_not_a_type_in_diversity():
    # 4 typed actors of 2 types and 2 without a type, all in one commune: the territory
    # has 2 types (not 3), a project of 1 association + 2 untyped has 1 type
    rows = [
        ("A1", "association", "61001", "E1", "oui"),
        ("A2", None, "61001", "E1", "oui"),
        ("A3", None, "61001", "E1", "oui"),
        ("B1", "entreprise", "61002", "E1", "oui"),
        ("B2", "association", "61002", "E1", "oui"),
        ("B3", "entreprise", "61002", "E1", "oui"),
    ]
    needs = [(a, "locaux") for a in ("A1", "A2", "A3")] + [
        (b, "formation") for b in ("B1", "B2", "B3")
    ]
    actors, needs, offers = _frames(rows, needs, [])
    found = find_projects(None, actors, needs, offers).set_index("resources")
    # « ? » adds no type: (1 - 1) / (2 - 1), where it counted as a type it was (2 - 1) / (3 - 1)
    assert found.at["locaux", "score_diversity"] == 0.0
    assert found.at["locaux", "actor_types"] == "? : 2, association : 1"
    assert found.at["formation", "score_diversity"] == 1.0  # (2 - 1) / (2 - 1)


def _four_and_a_withheld():
    """Four actors of one commune needing « locaux », H offering it; and two needing
    « formation » with H offering it: without H, « locaux » is a pooling of four, the
    « formation » loan no longer holds."""
    rows = [
        ("A1", "association", "61001", "E1", "oui"),
        ("A2", "association", "61001", "E1", "peut_etre"),
        ("A3", "entreprise", "61001", "E1", "oui"),
        ("A4", "entreprise", "61001", "E1", "oui"),
        ("H", "financeur", "61001", "E1", "oui"),
    ]
    needs = [(a, "locaux") for a in ("A1", "A2", "A3", "A4")] + [("A1", "formation")]
    return _frames(rows, needs, [("H", "locaux"), ("H", "formation")])


def test_rescore_without_an_actor_scores_the_others_as_find_projects_would():
    from diagnostic.analysis.projects import rescore_projects

    actors, needs, offers = _four_and_a_withheld()
    found = find_projects(None, actors, needs, offers)
    assert sorted(found["members"]) == ["A1;A2;A3;A4;H", "A1;H"]
    same, none = rescore_projects(found, actors, needs, offers)
    assert none == 0 and same.equals(found.reset_index(drop=True))
    found.loc[found["resources"] == "locaux", "status"] = "validé"  # a decision is kept
    public, dropped = rescore_projects(found, actors, needs, offers, leave_out={"H"})
    assert dropped == 1  # « formation »: A1 alone
    row = public.iloc[0]
    assert (row["members"], row["needers"], row["offerers"]) == ("A1;A2;A3;A4", "A1;A2;A3;A4", "")
    assert (row["kind"], row["actors"], row["status"]) == ("mutualisation", 4, "validé")
    assert row["project_id"] == project_id("locaux", ["A1", "A2", "A3", "A4"])
    assert row["actor_types"] == "association : 2, entreprise : 2"
    # by hand: size 4/8, diversity (2-1)/(2-1) (the survey without H has 2 types), no
    # offer, nearness 1 (one commune), no shared issue, willingness (1+0.5+1+1)/4
    parts = {"size": 0.5, "diversity": 1.0, "offer": 0.0, "nearness": 1.0}
    parts |= {"issues": 0.0, "willingness": 0.875}
    assert {p: row[f"score_{p}"] for p in parts} == parts
    weights = (0.25, 0.20, 0.20, 0.15, 0.10, 0.10)
    assert row["score"] == round(sum(w * v for w, v in zip(weights, parts.values())), 4)
    assert "4 acteurs (2 associations, 2 entreprises)" in row["summary"]
    assert "H" not in row["summary"] and "financeur" not in row["summary"]


def test_a_decision_attaches_to_its_project_in_either_view():
    from diagnostic.analysis.projects import rescore_projects

    actors, needs, offers = _four_and_a_withheld()
    found = find_projects(None, actors, needs, offers)
    public, _dropped = rescore_projects(found, actors, needs, offers, leave_out={"H"})
    on_consultant = pd.DataFrame(
        {"resources": ["locaux"], "members": ["A1;A2;A3;A4;H"], "status": ["validé"]}
    )
    on_public = on_consultant.assign(members="A4;A3;A2;A1", status="en cours")
    # the consultant's decision reaches the public project, and the other way round
    kept, problems = apply_decisions(public, on_consultant, hidden={"H"})
    assert kept["status"].tolist() == ["validé"] and problems.empty
    kept, problems = apply_decisions(found, on_public, hidden={"H"})
    by_resource = kept.set_index("resources")
    assert by_resource.at["locaux", "status"] == "en cours" and problems.empty
    assert by_resource.at["formation", "status"] == "à valider"
    # without the withheld actors given, the ids differ: nothing is matched
    assert apply_decisions(public, on_consultant)[0]["status"].tolist() == ["à valider"]


def test_supported_issues_read_alike_from_categorical_and_text_columns():
    """The issues each actor supports: from `issue_responses`' categorical columns (a table
    of codes) as from text columns (sorted by actor), and as counted by hand."""
    from diagnostic.analysis.projects import _supported

    rows = [("b", "i2", True), ("a", "i1", True), ("a", "i2", False), ("c", "i1", False)]
    rows += [("b", "i1", True), ("a", "i3", True)]
    text = pd.DataFrame(rows, columns=["actor_id", "issue_id", "supports"])
    coded = text.astype({"actor_id": "category", "issue_id": "category"})
    want = {"a": {"i1", "i3"}, "b": {"i1", "i2"}, "c": set()}
    for frame in (text, coded):
        got = _supported(frame)
        assert {a: got.get(a, set()) for a in "abc"} == want
        assert got.get("zz", set()) == set()
