"""The cooperation projects in the app: cards, filters, audiences, decisions kept."""

import dataclasses
import html
import re
import zipfile

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import EXAMPLE, bare_example, example_people
from openpyxl import load_workbook

import diagnostic
from diagnostic.apps.collective import collective_app, decisions_path, projects_app
from diagnostic.privacy.audiences import personal_values
from diagnostic.privacy.disclosure import public_projects


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def _shown(app) -> str:
    """Every text the app puts on the page: HTML widgets, controls and figures."""
    parts = []
    for x in _widgets(app.view):
        if isinstance(x, w.HTML):
            parts.append(x.value)
        elif isinstance(x, go.FigureWidget):
            parts.append(str(x.to_dict()))
        elif isinstance(x, w.Dropdown):
            parts.append(" ".join(str(o[0]) for o in x.options))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def shown_by_audience(example_diag, tmp_path_factory):
    folder = tmp_path_factory.mktemp("apps")
    return {
        a: _shown(projects_app(example_diag, folder / f"{a}.csv", audience=a))
        for a in ("funder", "collective", "consultant")
    }


def test_funder_app_names_nobody_and_shows_no_contact(shown_by_audience):
    people, _yes, _no = example_people()
    text = shown_by_audience["funder"]
    for column in ("name", "person", "email", "phone"):
        found = [v for v in people[column].dropna() if str(v) in text]
        assert found == [], column
    assert "Public : financeurs" in text


def test_collective_app_names_only_consenting_structures_and_no_contact(
    shown_by_audience, example_diag
):
    people, yes, no = example_people()
    text = shown_by_audience["collective"]
    assert [n for n in no if n in text] == []
    members = set(";".join(public_projects(example_diag)["members"]).split(";"))
    names = personal_values(example_diag.personal, example_diag.questions, "actor_name")
    agreed = example_diag.actors.set_index("actor_id")["consent"].eq("oui").fillna(False)
    named = {names[a] for a in members if a in names.index and agreed.get(a, False)}
    assert named  # the test means something: consenting members exist
    assert {n for n in yes if n in text} == named
    for column in ("person", "email", "phone"):
        assert [v for v in people[column].dropna() if str(v) in text] == [], column
    assert "Public : collectif" in text


def test_consultant_app_says_confidential(shown_by_audience):
    assert "CONFIDENTIEL" in shown_by_audience["consultant"]


def test_cards_filters_keep_the_projects_with_that_resource_commune_or_type(example_diag, tmp_path):
    app = projects_app(example_diag, tmp_path / "d.csv")
    projects = public_projects(example_diag)
    assert len(app.cards.children) == len(projects) == 15

    def cards():
        return [
            re.search(r'data-project="([^"]+)"', c.children[0].value).group(1)
            for c in app.cards.children
        ]

    # resource: by the label a user picks; expected from the table's codes
    app.resource.value = dict((lab, code) for lab, code in app.resource.options)[
        "Matériel et équipements"
    ]
    expected = [p for p, r in zip(projects["project_id"], projects["resources"]) if "materiel" in r]
    assert cards() == expected and len(expected) >= 1
    app.resource.value = ""
    # commune: Mortagne-au-Perche (61293), the projects with a member whose commune the
    # collective's actors.csv publishes there (the app reads the public view)
    diagnostic.to_tables(example_diag, tmp_path / "t", audience="collective")
    published = pd.read_csv(tmp_path / "t" / "actors.csv", dtype=str)
    there = set(published.loc[published["commune_code"] == "61293", "actor_id"])
    app.commune.value = "61293"
    expected = [
        p for p, m in zip(projects["project_id"], projects["members"]) if there & set(m.split(";"))
    ]
    assert cards() == expected and 0 < len(expected) < 15
    assert f"{len(expected)} projet(s) sur 15" in app.count.value
    # with an actor type too: both filters hold
    app.actor_type.value = "cooperative"
    coops = set(
        example_diag.actors.loc[example_diag.actors["actor_type"] == "cooperative", "actor_id"]
    )
    expected = [
        p
        for p, m in zip(projects["project_id"], projects["members"])
        if there & set(m.split(";")) and coops & set(m.split(";"))
    ]
    assert cards() == expected
    assert app.errors.outputs == ()


def test_the_matrix_counts_each_projects_members_by_resource(example_diag, tmp_path):
    app = projects_app(example_diag, tmp_path / "d.csv")
    heat = app.matrix.data[0]
    first = public_projects(example_diag).iloc[0]
    members = set(first["members"].split(";"))
    needs = example_diag.needs
    need = needs[needs["actor_id"].isin(members) & (needs["category"] == "materiel")]
    offers = example_diag.offers
    give = offers[offers["actor_id"].isin(members) & (offers["category"] == "materiel")]
    column = list(heat.x).index("Matériel et équipements")  # one slanted line
    assert list(heat.customdata[0][column]) == [
        need["actor_id"].nunique(),
        give["actor_id"].nunique(),
    ]


def test_without_geography_the_app_says_there_is_no_map(example_diag, tmp_path):
    # the example without its contours
    project = dataclasses.replace(example_diag.project, boundaries=None)
    example_diag = dataclasses.replace(example_diag, project=project)
    app = projects_app(example_diag, tmp_path / "d.csv")
    assert app.map is None and "Pas de carte" in app.map_note.value


def _project_with_decisions(folder, shared=None):
    bare_example(folder)
    toml = folder / "diagnostic.toml"
    text = toml.read_text(encoding="utf-8")
    if shared is not None:
        text = text.replace(
            'epci = "geo/epci.json"',
            f'epci = "geo/epci.json"\nboundaries = "{shared / "geo" / "gregoiredavid_communes-61-orne.geojson"}"',
        )
    toml.write_text(text + '\n[workshop]\nprojects = "decisions_projets.csv"\n', encoding="utf-8")
    return toml


def test_decisions_taken_in_the_app_are_read_back_by_the_next_run(tmp_path):
    toml = _project_with_decisions(tmp_path / "projet")
    diag = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    app = projects_app(diag)
    assert app.path == tmp_path / "projet" / "decisions_projets.csv" == decisions_path(diag)
    first, second = public_projects(diag)["project_id"].iloc[:2]
    app.status[first].value = "validé"
    app.carrier[first].value = "Mairie de Loisail"
    app.next_step[first].value = "Réunion le 12 mars"
    app.status[second].value = "écarté"
    app.save_button.click()
    assert app.errors.outputs == ()
    assert "2 projet(s) décidé(s)" in app.message.value

    again = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    out = tmp_path / "out"
    diagnostic.write_outputs(again, out, audience="collective")
    table = pd.read_csv(out / "tables" / "cooperation_projects.csv", dtype=str).set_index(
        "project_id"
    )
    assert table.loc[first, ["status", "carrier", "next_step"]].tolist() == [
        "validé",
        "Mairie de Loisail",
        "Réunion le 12 mars",
    ]
    assert table.loc[second, "status"] == "écarté"
    assert (table["status"] == "à valider").sum() == 13
    # the funder's « Plan d'action »: the validated project, without its carrier's name
    funder = tmp_path / "funder"
    diagnostic.write_outputs(again, funder)
    plan = load_workbook(funder / "diagnostic.xlsx")["Plan d'action"]
    # the true communes of that project (its consultant's version: the public members and
    # perhaps a withheld one)
    shown = public_projects(again).set_index("project_id").loc[first]
    decided = next(
        p
        for _i, p in again.cooperation_projects.iterrows()
        if p["resources"] == shown["resources"]
        and set(shown["members"].split(";")) <= set(p["members"].split(";"))
    )
    row = next(r for r in plan.iter_rows(values_only=True) if "validé" in r)
    assert "Réunion le 12 mars" in row
    # its communes as the funder's actors.csv gives them: never a commune it does not publish
    published = pd.read_csv(funder / "tables" / "actors.csv", dtype=str)
    names = dict(zip(again.communes["commune_code"], again.communes["name"]))
    public = {names[c] for c in published["commune_code"].dropna()}
    public |= set(again.epci["name"]) | {"autres communes"}
    cell = next(v for v in row if isinstance(v, str) and "CC du Pays" in v)
    assert set(cell.split(", ")) <= public and decided["commune_names"] not in row
    assert int(decided["actors"]) in row
    assert sum("validé" in r for r in plan.iter_rows(values_only=True)) == 1
    with zipfile.ZipFile(funder / "diagnostic.xlsx") as z:
        xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "Mairie de Loisail" not in xml
    # and the app of the next session shows the decision
    shown = projects_app(again)
    assert (
        shown.status[first].value == "validé" and shown.carrier[first].value == "Mairie de Loisail"
    )


def test_saving_keeps_the_decisions_of_projects_no_longer_proposed(example_diag, tmp_path):
    path = tmp_path / "decisions.csv"
    old = pd.DataFrame(
        {
            "project_id": ["P-old"],
            "title": ["Ancien projet"],
            "resources": ["locaux"],
            "members": ["A-1;A-2;A-3"],
            "status": ["en cours"],
            "carrier": ["Mairie"],
            "next_step": [""],
        }
    )
    old.to_csv(path, index=False)
    app = projects_app(example_diag, path)
    app.save()
    saved = pd.read_csv(path, dtype=str)
    assert len(saved) == 16 and "A-1;A-2;A-3" in saved["members"].tolist()


def test_collective_app_map_with_contours(shared, tmp_path):
    toml = _project_with_decisions(tmp_path / "projet", shared)
    diag = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    app = collective_app(diag, audience="consultant")  # the true communes
    fig = app.projects.map
    assert fig is not None
    traces = fig.data
    # contours, then per project its lines and its markers
    assert len(traces) == 1 + 2 * len(diag.cooperation_projects)
    # the markers of the first project sit on its communes, sized by members there
    first = diag.cooperation_projects.iloc[0]
    shown = [c[1] for c in traces[2].customdata]
    names = dict(zip(diag.communes["commune_code"], diag.communes["name"]))
    assert shown == [names[c] for c in first["communes"].split(";")]
    place = dict(zip(diag.actors["actor_id"], diag.actors["commune_code"]))
    counts = [
        sum(place[m] == c for m in first["members"].split(";"))
        for c in first["communes"].split(";")
    ]
    assert [c[2] for c in traces[2].customdata] == counts
    app.projects.commune.value = first["communes"].split(";")[0]
    assert len(app.projects.map.data) - 1 == 2 * len(app.projects.cards.children)
    # the collective's app (the default) marks only communes its actors.csv publishes
    diagnostic.to_tables(diag, tmp_path / "t", audience="collective")
    published = pd.read_csv(tmp_path / "t" / "actors.csv", dtype=str)
    names = dict(zip(diag.communes["commune_code"], diag.communes["name"]))
    public = {names[c] for c in published["commune_code"].dropna()}
    shared_app = collective_app(diag)
    marked = {
        point[1]
        for trace in shared_app.projects.map.data
        for point in (trace.customdata if trace.customdata is not None else ())
    }
    assert marked and marked <= public < set(names.values())


def test_without_the_key_decisions_are_kept_in_the_project_folder_and_read_back(
    tmp_path, monkeypatch, capsys
):
    """Issue 15: a project file without [workshop] projects still keeps its decisions, in
    atelier/decisions_projets.csv of the project's folder, matched by members and resources
    on the next run (not by row: the file is reordered here before the run)."""
    monkeypatch.setenv("DIAGNOSTIC_OUT", str(tmp_path / "out"))
    toml = bare_example(tmp_path / "projet")
    assert "[workshop]" not in toml.read_text(encoding="utf-8")
    diag = diagnostic.run_diagnostic(diagnostic.read_project(toml))
    assert diag.project.decisions is None
    assert set(diag.cooperation_projects["status"]) == {"à valider"}
    app = projects_app(diag)
    expected = tmp_path / "projet" / "atelier" / "decisions_projets.csv"
    assert app.path == expected
    # told once, beside the save button: where, and that the next run reads it
    said = html.unescape(app.message.value)
    assert f"« {expected} »" in said and "relues par l'exécution suivante" in said
    first, second = public_projects(diag)["project_id"].iloc[[0, 5]]
    app.status[first].value = "validé"
    app.carrier[first].value = "Foyer rural de Ceton"
    app.status[second].value = "en cours"
    app.save_button.click()
    assert app.errors.outputs == ()
    assert expected.is_file() and not (tmp_path / "out" / "decisions_projets.csv").exists()

    # a hand reordering of the file: rows reversed, each project's members reversed
    saved = pd.read_csv(expected, dtype=str, keep_default_na=False)
    assert len(saved) == 15
    saved = saved.iloc[::-1].drop(columns="project_id")
    saved["members"] = [";".join(m.split(";")[::-1]) for m in saved["members"]]
    saved.to_csv(expected, index=False)
    from diagnostic.cli import main

    assert main(["run", str(toml), "-o", str(tmp_path / "run")]) == 0
    assert f"relues dans {expected}" in capsys.readouterr().err
    table = pd.read_csv(
        tmp_path / "run" / "tables" / "cooperation_projects.csv", dtype=str, keep_default_na=False
    ).set_index("project_id")
    assert table.loc[first, "status"] == "validé" and table.loc[second, "status"] == "en cours"
    assert "Foyer rural de Ceton" not in table.to_csv()  # funder's table: no carrier's name
    assert (table["status"] == "à valider").sum() == 13


def test_the_embedded_examples_decisions_go_to_the_output_folder(
    example_diag, tmp_path, monkeypatch
):
    monkeypatch.setenv("DIAGNOSTIC_OUT", str(tmp_path / "out"))
    shipped = EXAMPLE / "atelier" / "decisions_projets.csv"
    before = shipped.read_bytes()
    app = projects_app(example_diag)
    assert app.path == tmp_path / "out" / "decisions_projets.csv"
    assert "Exemple embarqué, jamais modifié" in html.unescape(app.message.value)
    undecided = public_projects(example_diag).query("status == 'à valider'")["project_id"]
    app.status[undecided.iloc[0]].value = "validé"
    app.save()
    assert shipped.read_bytes() == before
    out = pd.read_csv(app.path, dtype=str).set_index("project_id")
    assert out.loc[undecided.iloc[0], "status"] == "validé"


def _card_of(app, pid) -> str:
    return next(
        html.unescape(c.children[0].value)
        for c in app.cards.children
        if f'data-project="{pid}"' in c.children[0].value
    )


def test_an_open_page_shows_what_another_visitor_saved(example_diag, tmp_path):
    path = tmp_path / "decisions.csv"
    a, b = (projects_app(example_diag, path, refresh_seconds=None) for _ in range(2))
    undecided = public_projects(example_diag).query("status == 'à valider'")
    one, two, three = undecided["project_id"].iloc[:3]
    assert b.refresh() == []  # nothing saved yet
    a.status[one].value = "validé"
    a.carrier[one].value = "Mairie de Loisail"
    a.save()
    # b looks (its timer, or any interaction): a's decision on its card and in its controls
    assert b.refresh() == [one]
    assert b.status[one].value == "validé" and b.carrier[one].value == "Mairie de Loisail"
    assert "Validé" in _card_of(b, one) or "validé" in _card_of(b, one)
    # the title as the collective reads it: its resource, then the places actors.csv gives
    title = undecided.set_index("project_id").at[one, "title"].rsplit(" — ", 1)[0]
    assert f"autre visiteur, affichée(s) : « {title} — " in html.unescape(b.news.value)
    assert b.refresh() == []  # the file has not changed since
    # b saves another project: a's decision stays on disk, b's page is not a stale copy
    b.status[two].value = "écarté"
    b.save()
    on_disk = pd.read_csv(path, dtype=str).set_index("project_id")["status"]
    assert (on_disk[one], on_disk[two]) == ("validé", "écarté")

    # an unsaved change on b is never overwritten by a's save of the same project
    b.status[three].value = "écarté"
    a.status[three].value = "en cours"
    a.save()
    b.resource.value = b.resource.options[1][1]  # any interaction looks at the file
    assert b.status[three].value == "écarté" and b.status[two].value == "écarté"
    news = html.unescape(b.news.value)
    assert "modification non enregistrée est gardée" in news
    assert undecided.set_index("project_id").at[three, "title"].rsplit(" — ", 1)[0] in news
    # saving it is refused, naming both decisions: nothing is written
    before = path.read_bytes()
    from diagnostic.apps.merge import SaveConflict

    with pytest.raises(SaveConflict, match="« en cours » \\(ici : « écarté »\\)"):
        b.save()
    assert path.read_bytes() == before
    assert b.errors.outputs == () and a.errors.outputs == ()


def test_the_kernels_timer_brings_other_visitors_decisions(example_diag, tmp_path):
    """Inside a running event loop (a kernel's), the page looks at the file by itself."""
    import asyncio

    path = tmp_path / "decisions.csv"
    pid = public_projects(example_diag).query("status == 'à valider'")["project_id"].iloc[0]

    async def run():
        b = projects_app(example_diag, path, refresh_seconds=0.1)
        assert b.watch._timer is not None
        a = projects_app(example_diag, path, refresh_seconds=None)
        a.status[pid].value = "en cours"
        a.save()
        for _ in range(50):
            if b.status[pid].value == "en cours":
                break
            await asyncio.sleep(0.1)
        b.watch.stop()
        return b

    b = asyncio.run(run())
    assert b.status[pid].value == "en cours" and b.errors.outputs == ()
    # outside an event loop (a script, a test) no timer is started
    assert projects_app(example_diag, path).watch._timer is None
