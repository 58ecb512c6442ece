"""Where the projects are: inline SVG maps on the fiches, the report's projects section."""

import dataclasses
import re
import shutil
from collections import Counter

import pandas as pd
import pytest
from conftest import bare_example

import diagnostic
from diagnostic.export.fiches import to_fiches
from diagnostic.export.project_maps import Geography, svg_map
from diagnostic.territory.maps import outer_rings as commune_shapes

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "properties": {"code": "01001", "nom": "A"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 45], [1, 45], [1, 46], [0, 45]]]},
        },
        {
            "properties": {"code": "01002", "nom": "B"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[1, 45], [2, 45], [2, 46], [1, 45]]],
                    [[[3, 45], [4, 45], [4, 46], [3, 45]]],
                ],
            },
        },
    ],
}


def test_commune_shapes_keep_each_polygons_outer_ring():
    shapes = commune_shapes(SQUARE)
    assert shapes["01001"] == [[(0.0, 45.0), (1.0, 45.0), (1.0, 46.0), (0.0, 45.0)]]
    assert len(shapes["01002"]) == 2  # a commune in two pieces


def test_svg_map_colours_the_members_communes_and_escapes_their_names():
    geo = Geography(
        pd.DataFrame({"commune_code": ["01001", "01002"], "lat": [45.3, 45.3], "lon": [0.6, 2.0]}),
        commune_shapes(SQUARE),
    )
    svg = svg_map(geo, {"01002": 3}, ["01001", "01002"], {"01002": "<b>Bé</b>"})
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polygon") == 3  # A, and B's two pieces
    assert svg.count('fill="#9FD3CB"') == 2  # B's two pieces are the members' commune
    assert "&lt;b&gt;Bé&lt;/b&gt; (3)" in svg and "<b>" not in svg
    assert len(re.findall(r"<circle", svg)) == 1  # one disc: B


def test_svg_map_from_centroids_only_and_without_geography():
    points = Geography(
        pd.DataFrame({"commune_code": ["01001", "01002"], "lat": [45.0, 45.1], "lon": [0.0, 0.1]})
    )
    svg = svg_map(points, {"01001": 2}, ["01001", "01002"], {"01001": "A"})
    assert "<polygon" not in svg and svg.count("<circle") == 2  # the member's and B's point
    assert svg_map(points, {"99999": 1}) == ""  # a commune with no centroid: no map
    nothing = Geography(pd.DataFrame({"commune_code": [], "lat": [], "lon": []}))
    assert svg_map(nothing, {"01001": 1}) == ""


@pytest.fixture(scope="module")
def mapped(shared, tmp_path_factory):
    """The example with the Orne contours declared."""
    folder = tmp_path_factory.mktemp("projet") / "exemple"
    bare_example(folder)
    toml = folder / "diagnostic.toml"
    contours = shared / "geo" / "gregoiredavid_communes-61-orne.geojson"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'epci = "geo/epci.json"', f'epci = "geo/epci.json"\nboundaries = "{contours}"'
        ),
        encoding="utf-8",
    )
    return diagnostic.run_diagnostic(diagnostic.read_project(toml))


def test_each_fiche_maps_its_members_communes(mapped, tmp_path):
    """The consultant's fiches map each member's true commune; the funder's, only the
    communes its actors.csv publishes (and say so when none is)."""
    import pandas as pd

    names = dict(zip(mapped.communes["commune_code"], mapped.communes["name"]))
    diagnostic.write_outputs(mapped, tmp_path / "f", audience="funder")
    published = pd.read_csv(tmp_path / "f" / "tables" / "actors.csv", dtype=str)
    from diagnostic.privacy.disclosure import public_projects

    for audience, place, projects in (
        (
            "consultant",
            dict(zip(mapped.actors["actor_id"], mapped.actors["commune_code"])),
            mapped.cooperation_projects,
        ),
        (  # the public projects: the withheld actors in none
            "funder",
            dict(zip(published["actor_id"], published["commune_code"])),
            public_projects(mapped),
        ),
    ):
        path = to_fiches(mapped, tmp_path / f"{audience}.html", audience=audience)
        fiches = path.read_text(encoding="utf-8").split('<section class="fiche">')[1:]
        assert len(fiches) == len(projects) == 15
        blank = 0
        for fiche, project in zip(fiches, projects.itertuples()):
            here = Counter(
                place[m] for m in project.members.split(";") if isinstance(place.get(m), str)
            )
            if not here:
                blank += 1
                assert "aucune commune de membre n'est publiée" in fiche.replace("&#x27;", "'")
                continue
            svg = re.search(r"<svg.*?</svg>", fiche, re.S).group(0)
            labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
            expected = {f"{names[c]} ({n})" for c, n in here.items()}
            assert {lab.replace("&#x27;", "'") for lab in labels} == expected
            assert svg.count("<polygon") >= len(here)
        assert blank == 0 if audience == "consultant" else 0 < blank < 15


def test_without_geography_the_fiche_says_why_there_is_no_map(example_diag, tmp_path):
    # the example without its contours
    project = dataclasses.replace(example_diag.project, boundaries=None)
    example_diag = dataclasses.replace(example_diag, project=project)
    page = to_fiches(example_diag, tmp_path / "fiches.html").read_text(encoding="utf-8")
    assert "<svg" not in page
    assert page.count("Pas de carte") == len(example_diag.cooperation_projects)


def test_report_lists_the_projects_links_the_fiches_and_not_forty_pairs(mapped, tmp_path):
    import pandas as pd

    diagnostic.to_html(mapped, tmp_path / "r.html", audience="funder")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count('<div class="card"') == 15
    assert '<a href="fiches_projets.html">' in page
    # the leads the funder's tables/opportunities.csv holds (a pool of one EPCI that would
    # place a member is left out of the public view: 671 on the example, 666 published)
    diagnostic.to_tables(mapped, tmp_path / "t", audience="funder")
    n = len(pd.read_csv(tmp_path / "t" / "opportunities.csv"))
    assert n < len(mapped.opportunities)
    assert f"{n} pistes (paires d'acteurs)" in page and "tables/opportunities.csv" in page
    assert "les 40 premières" not in page
    assert "Carte des projets" in page and "Projets \\u00d7 ressources" in page  # JSON
    # funders: counts by type in the cards, never a structure's name
    names = set(mapped.personal.loc[mapped.personal["field"] == "nom_structure", "value"])
    assert names and not [n for n in names if n in page]


@pytest.mark.slow
def test_each_fiche_with_its_map_prints_on_one_a4_page(mapped, tmp_path):
    import subprocess

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    page = to_fiches(mapped, tmp_path / "fiches.html", audience="collective")
    pdf = tmp_path / "fiches.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())
    assert len(pages) == len(mapped.cooperation_projects) == 15
