"""An attacker's arithmetic on the published tables: totals minus the shown cells must leave
nothing of a group below `min_group_size`."""

import re

import pandas as pd


def test_subtraction_across_published_tables_reveals_no_hidden_group(demo_out, example_diag):
    tables = demo_out / "tables"
    ranking = pd.read_csv(tables / "issue_ranking.csv").set_index("issue_id")
    matrix = pd.read_csv(tables / "group_matrix.csv")
    divergence = pd.read_csv(tables / "divergence.csv").set_index("issue_id")
    hidden = matrix[matrix["suppressed"]]
    # there is something to protect: the four financeurs answered every issue
    assert (hidden["actor_type"] == "financeur").sum() == len(ranking)
    assert hidden["respondents"].isna().all()  # not even how many of them answered
    shown = matrix[~matrix["suppressed"]]
    for issue, row in ranking.iterrows():
        cells = shown[shown["issue_id"] == issue]
        total_answers = row["respondents"]
        total_supporters = round(row["support"] * total_answers)
        # what is left once the shown cells are taken away: nothing
        assert total_answers - cells["respondents"].sum() == 0
        assert total_supporters - cells["supporters"].sum() == 0
        assert divergence.at[issue, "respondents"] == cells["respondents"].sum()
    # the same subtraction on every answer (the totals published before) gives them away
    r = example_diag.responses.astype({"issue_id": object})
    answers = r.groupby("issue_id").size().to_dict()
    supporters = r.groupby("issue_id")["supports"].sum().to_dict()
    shown_n = shown.groupby("issue_id")["respondents"].sum().to_dict()
    shown_s = shown.groupby("issue_id")["supporters"].sum().to_dict()
    financeurs = r[r["actor_type"] == "financeur"].groupby("issue_id").size().to_dict()
    assert set(financeurs.values()) <= {3, 4}
    assert {i: answers[i] - shown_n[i] for i in answers} == financeurs
    assert supporters["enjeu_mobilite"] - shown_s["enjeu_mobilite"] == 4  # 4 of 4, as found


def test_public_view_merges_withholds_and_generalises_by_hand():
    """k = 3, worked by hand: every (type, place) of the view holds 0 or at least 3 actors."""
    from diagnostic.privacy.disclosure import public_actors, unique_on

    rows = [
        # type A: 3 in c1 keep their commune; c2, c3 (EPCI E: 2) and c4 (EPCI F: 1) go up
        ("a1", "A", "c1", "E"), ("a2", "A", "c1", "E"), ("a3", "A", "c1", "E"),
        ("a4", "A", "c2", "E"), ("a5", "A", "c3", "E"), ("a6", "A", "c4", "F"),
        # type B: 2 in c1 (then 2 in E) and 2 not placed: all « autres communes »
        ("b1", "B", "c1", "E"), ("b2", "B", "c1", "E"), ("b3", "B", None, None),
        ("b4", "B", None, None),
        # type C (1 actor) and 1 actor without a type: « autres », 2 < 3, withheld
        ("c1", "C", "c1", "E"), ("u1", None, "c2", "E"),
        # type D: 3 in c1, 3 in c2, 1 not placed: the smallest place (c1 before c2 at
        # equal size) joins « autres communes »
        ("d1", "D", "c1", "E"), ("d2", "D", "c1", "E"), ("d3", "D", "c1", "E"),
        ("d4", "D", "c2", "E"), ("d5", "D", "c2", "E"), ("d6", "D", "c2", "E"),
        ("d7", "D", None, None),
    ]  # fmt: skip
    actors = pd.DataFrame(rows, columns=["actor_id", "actor_type", "commune_code", "epci_code"])
    actors = actors.astype("string")
    view = public_actors(actors, 3)
    assert view.withheld == {"c1", "u1"} and set(view.merged) == {"C", None}
    got = dict(zip(view.actors["actor_id"], view.actors["place_level"]))
    assert got == {
        **dict.fromkeys(["a1", "a2", "a3", "d4", "d5", "d6"], "commune"),
        **dict.fromkeys(["a4", "a5", "a6", "b1", "b2", "b3", "b4"], "autre"),
        **dict.fromkeys(["d1", "d2", "d3", "d7"], "autre"),
    }
    assert view.actors["commune_code"].isna().sum() == 11 and view.generalised == 11
    assert unique_on(actors) == 6  # a4, a5, a6, c1, u1, d7 (b3 and b4 share « B, nowhere »)
    assert unique_on(view.actors, ("actor_type", "commune_code", "epci_code")) == 0
    sizes = view.actors.fillna("∅").groupby(["actor_type", "commune_code", "epci_code"]).size()
    assert sizes.min() >= 3


def test_disclosed_view_is_built_once_per_diagnostic_and_audience(example_diag):
    """The workbook, the report and the tables read one disclosed view (built once); a
    changed diagnostic gets its own."""
    import dataclasses

    from diagnostic.privacy.disclosure import disclosed, public_clusters, public_participation

    view = disclosed(example_diag, "funder")
    assert disclosed(example_diag, "funder") is view
    assert disclosed(example_diag, "consultant") is example_diag
    pd.testing.assert_frame_equal(view.participation, public_participation(example_diag))
    pd.testing.assert_frame_equal(view.clusters, public_clusters(example_diag))
    assert len(view.clusters) > 1
    fewer = dataclasses.replace(example_diag, clusters=example_diag.clusters.iloc[:1])
    assert len(disclosed(fewer, "funder").clusters) <= 1


def test_a_small_survey_with_a_withheld_offerer(example_diag):
    """Six associations and five businesses, and one financeur (a type under 5, withheld)
    who offers « locaux » to four associations and « formation » to one: in the public
    view the first project is the four associations pooling « locaux », scored by hand;
    the second, a loan without its offerer, is left out and the Méthode counts it."""
    import dataclasses

    from diagnostic.analysis.projects import find_projects
    from diagnostic.export.workbook import disclosure_note
    from diagnostic.privacy.disclosure import disclosed

    rows = [(f"A{i}", "association", "61293") for i in range(1, 7)]
    rows += [(f"B{i}", "entreprise", "61097") for i in range(1, 6)]
    rows += [("H", "financeur", "61293")]
    actors = pd.DataFrame(rows, columns=["actor_id", "actor_type", "commune_code"]).assign(
        epci_code="200036069", cooperation="oui", consent="non"
    )
    actors = actors.reindex(columns=example_diag.actors.columns).astype(
        example_diag.actors.dtypes.to_dict()
    )
    needs = pd.DataFrame(
        [(f"A{i}", "locaux") for i in range(1, 5)] + [("A1", "formation")],
        columns=["actor_id", "category"],
    ).reindex(columns=example_diag.needs.columns)
    offers = pd.DataFrame(
        [("H", "locaux"), ("H", "formation")], columns=["actor_id", "category"]
    ).reindex(columns=example_diag.offers.columns)
    projects = find_projects(None, actors, needs, offers, communes=example_diag.communes)
    assert sorted(projects["members"]) == ["A1;A2;A3;A4;H", "A1;H"]
    diag = dataclasses.replace(
        example_diag,
        actors=actors,
        needs=needs,
        offers=offers,
        cooperation_projects=projects,
        opportunities=example_diag.opportunities.iloc[:0],
    )
    for audience in ("funder", "collective"):
        public = disclosed(diag, audience).cooperation_projects
        assert len(public) == 1
        row = public.iloc[0]
        assert (row["members"], row["kind"], row["actors"]) == ("A1;A2;A3;A4", "mutualisation", 4)
        assert row["actor_types"] == "association : 4"
        # by hand: size 4/8; one type of the two left (association, entreprise): 0; no
        # offer; one commune: nearness 1; no issue; all willing
        assert (row["score_size"], row["score_diversity"], row["score_offer"]) == (0.5, 0, 0)
        assert (row["score_nearness"], row["score_willingness"]) == (1, 1)
        assert row["score"] == 0.25 * 0.5 + 0.15 * 1 + 0.10 * 1
        assert "H" not in row["summary"] and "financeur" not in row["summary"].lower()
        assert "1 projet retiré faute de tenir sans eux" in disclosure_note(
            disclosed(diag, audience)
        )
    # the consultant's view keeps both, as found
    assert disclosed(diag, "consultant").cooperation_projects is projects


def test_public_clusters_read_their_members_alike_from_the_memo_or_the_text(example_diag):
    """The groups `find_issue_groups` wrote are read back from its memo; the same cells as
    other strings (read from a file, say) are split: the same public groups, and each
    group's size is its members kept in the public view, counted by hand."""
    import dataclasses

    from diagnostic.analysis.clusters import find_groups, written_members
    from diagnostic.privacy.disclosure import public_clusters, public_of

    made = find_groups(example_diag.responses, example_diag.settings)  # the memo: these
    example_diag = dataclasses.replace(example_diag, clusters=made)
    cells = example_diag.clusters["actors"]
    assert any(written_members(c) is not None for c in cells)
    copied = [None if not isinstance(c, str) else (" " + c)[1:] for c in cells]  # new str
    assert all(written_members(c) is None for c in copied)
    other = dataclasses.replace(example_diag, clusters=example_diag.clusters.assign(actors=copied))
    memo, text = public_clusters(example_diag), public_clusters(other)
    pd.testing.assert_frame_equal(memo, text)
    kept = set(public_of(example_diag).actors["actor_id"].astype(str))
    by_hand = [
        len([a.strip() for a in c.split(";") if a.strip() in kept])
        for c in cells
        if isinstance(c, str)
    ]
    k = example_diag.settings.min_group_size
    assert memo["size"].tolist() == [n for n in by_hand if n >= k]


def test_a_merged_type_is_hidden_where_a_sentence_begins_with_the_actor(example_diag):
    """Two financeurs and three coopératives (under 5 each) are merged into « autres »
    (5 together: not withheld). A financeur needs « locaux », an association offers them:
    the direct pair's sentence begins « L'acteur … (Financeur) »; in the public view it
    reads « L'acteur … (Autres types d'acteurs) », and no sentence names a merged type."""
    import dataclasses

    from diagnostic.analysis.cooperation import match_needs_offers
    from diagnostic.privacy.disclosure import disclosed

    rows = [(f"A-a{i}", "association") for i in range(1, 7)]
    rows += [(f"A-b{i}", "entreprise") for i in range(1, 7)]
    rows += [("A-f1", "financeur"), ("A-f2", "financeur")]
    rows += [(f"A-c{i}", "cooperative") for i in range(1, 4)]
    actors = pd.DataFrame(rows, columns=["actor_id", "actor_type"]).assign(
        commune_code="61293", epci_code="200036069", cooperation="oui", consent="non"
    )
    actors = actors.reindex(columns=example_diag.actors.columns).astype(
        example_diag.actors.dtypes.to_dict()
    )
    needs = pd.DataFrame([("A-f1", "locaux")], columns=["actor_id", "category"]).reindex(
        columns=example_diag.needs.columns
    )
    offers = pd.DataFrame([("A-a1", "locaux")], columns=["actor_id", "category"]).reindex(
        columns=example_diag.offers.columns
    )
    words = {"financeur": "Financeur", "association": "Association", "cooperative": "Coop"}
    pairs = match_needs_offers(needs, offers, actors, type_labels=words)
    assert len(pairs) == 1
    assert pairs["explanation"].iloc[0].startswith("L'acteur A-f1 (Financeur) a besoin")
    diag = dataclasses.replace(
        example_diag,
        actors=actors,
        needs=needs,
        offers=offers,
        opportunities=pairs,
        cooperation_projects=example_diag.cooperation_projects.iloc[:0],
    )
    for audience in ("funder", "collective"):
        view = disclosed(diag, audience)
        assert len(view.actors) == 17  # nobody withheld
        sentence = view.opportunities["explanation"].iloc[0]
        assert sentence.startswith("L'acteur A-f1 (Autres types d'acteurs) a besoin de « ")
        assert "l'acteur A-a1 (" in sentence
        assert "Financeur" not in sentence
        kinds = re.findall(r"\(([^()]*)\)", sentence)
        assert kinds[0] == "Autres types d'acteurs" and len(kinds) == 2
