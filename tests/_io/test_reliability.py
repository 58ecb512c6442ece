"""Attack the toolkit with damaged and hostile files: a clean load with its anomalies, or one
plain-French error naming the file (exit status 2) — never a traceback, never a hang."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLE
from openpyxl import Workbook, load_workbook

from diagnostic import DiagnosticError
from diagnostic.cli import main

EXPORT = EXAMPLE / "export_kobo_acteurs.xlsx"
FORM = EXAMPLE / "formulaire_acteurs.xlsx"


def _xlsx(path, rows, merge=None):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    if merge:
        wb.active.merge_cells(merge)
    wb.save(path)


def _bytes(name, data):
    def build(tmp):
        path = tmp / name
        path.write_bytes(data(tmp) if callable(data) else data)
        return path

    return build


def _zip(name, members):
    def build(tmp):
        path = tmp / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for member, content in members.items():
                z.writestr(member, content)
        return path

    return build


def _laughs():
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    return f'<?xml version="1.0"?><!DOCTYPE w [{entities}]><workbook>&l9;</workbook>'


def _book(name, rows, merge=None):
    def build(tmp):
        path = tmp / name
        _xlsx(path, rows, merge)
        return path

    return build


def _text(name, text, encoding="utf-8"):
    def build(tmp):
        path = tmp / name
        path.write_bytes(text.encode(encoding))
        return path

    return build


def _far_cell(name, ref, dimension=None):
    """The example export with one value added at `ref`; openpyxl states the dimension,
    which `dimension` replaces ("" removes it, as some writers do)."""

    def build(tmp):
        wb = load_workbook(EXPORT)
        wb.active[ref] = "égaré"
        path = tmp / name
        wb.save(path)
        if dimension is not None:
            with zipfile.ZipFile(path) as src:
                members = {i.filename: src.read(i) for i in src.infolist()}
            tag = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
            sheet = re.sub(rb"<dimension[^>]*/>", tag, members["xl/worksheets/sheet1.xml"])
            assert (b"<dimension" in sheet) == bool(dimension)
            members["xl/worksheets/sheet1.xml"] = sheet
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
                for member, data in members.items():
                    dst.writestr(member, data)
        return path

    return build


def _ods(name, rows_xml):
    """A minimal OpenDocument spreadsheet whose one sheet « S » holds `rows_xml`."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )

    def build(tmp):
        path = tmp / name
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("META-INF/manifest.xml", manifest)
            z.writestr("content.xml", content)
        return path

    return build


def _ods_row(*values, repeat=1, gap=0):
    """One OpenDocument row: `gap` empty cells, then `values`, the whole `repeat` times."""
    empty = f'<table:table-cell table:number-columns-repeated="{gap}"/>' if gap else ""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in values
    )
    return (
        f'<table:table-row table:number-rows-repeated="{repeat}">{empty}{cells}</table:table-row>'
    )


# (case, builder, expected exit status, a fragment of the message or of an anomaly)
CORPUS = [
    ("tronqué", _bytes("tronque.xlsx", lambda t: EXPORT.read_bytes()[:20_000]), 2, "tronqué"),
    ("vide xlsx", _bytes("vide.xlsx", b""), 2, "vide"),
    ("vide csv", _bytes("vide.csv", b""), 2, "vide"),
    ("en-tête seul csv", _text("entete.csv", "a;b;c\n"), 0, "seulement l'en-tête"),
    ("en-tête seul xlsx", _book("entete.xlsx", [["a", "b", "c"]]), 0, "seulement l'en-tête"),
    ("image renommée", _bytes("image.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64), 2, "autre type"),
    ("texte renommé", _text("texte.xlsx", "ceci n'est pas un classeur"), 2, "autre type"),
    (
        "protégé",
        _bytes("protege.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512),
        2,
        "mot de passe",
    ),
    ("xls qui est un xlsx", _bytes("faux.xls", lambda t: EXPORT.read_bytes()), 2, "renommez"),
    (
        "bombe zip",
        _zip(
            "bombe.xlsx",
            {"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": b"0" * (150 * 1024**2)},
        ),
        2,
        "suspect",
    ),
    (
        "bombe XML",
        _zip("rires.xlsx", {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": _laughs()}),
        2,
        "rires.xlsx",
    ),
    (
        "windows-1252 lu",
        _text("acteurs.csv", "Nom;Commune\nÉpicerie;Mortagne\n", "cp1252"),
        0,
        "unlabelled",
    ),
    ("BOM", _text("bom.csv", "\ufeffNom;Commune\nA;B\n"), 0, "unlabelled"),
    (
        "en-têtes doublés et vides",
        _text("entetes.csv", "a;a;;b\n1;2;3;4\n5;6;7;8\n"),
        0,
        "unlabelled",
    ),
    ("colonnes décalées", _text("decale.csv", "a;b;c\n1;2;3\n4;5;6;7;8\n9;10;11\n"), 0, "décalées"),
    (
        "cellules fusionnées",
        _book(
            "fusion.xlsx",
            [["Identité", None, "Commentaire"], ["Nom", "Commune", None], ["A", "B", "c"]],
            "A1:B1",
        ),
        0,
        "fusionnées",
    ),
    (
        "formules et erreurs",
        _book("formules.xlsx", [["a", "b"], ["=1/0", "#N/A"], ["=NA()", 2]]),
        0,
        "unlabelled",
    ),
    (
        "cellule de 1 Mo",
        _book("grande.xlsx", [["texte", "n"], ["x" * 32_000, 1], ["y", 2]]),
        0,
        "unlabelled",
    ),
    ("valeur en XFD1048576", _far_cell("xfd.xlsx", "XFD1048576"), 0, "cellule XFD1048576"),
    ("cellule égarée tout en bas", _far_cell("bas.xlsx", "A1048576"), 0, "cellule A1048576"),
    ("cellule égarée à droite", _far_cell("droite.xlsx", "XFD1"), 0, "cellule XFD1 "),
    ("cellule égarée à droite, feuille lue d'un bloc", _far_cell("zz.xlsx", "ZZ3"), 0, "ZZ3 "),
    ("cellule égarée en bas, feuille lue d'un bloc", _far_cell("c.xlsx", "C5000"), 0, "C5000 "),
    (
        "cellule égarée sans dimension déclarée",
        _far_cell("sansdim.xlsx", "XFD1048576", dimension=""),
        0,
        "cellule XFD1048576",
    ),
    (
        "dimension déclarée mensongère",
        _far_cell("faussedim.xlsx", "XFD1048576", dimension="A1:B2"),
        0,
        "cellule XFD1048576",
    ),
    (
        "ligne de 64 Mo",
        _bytes("longue.csv", lambda t: b"a;b\n" + b"x" * 64 * 1024**2 + b";1\n"),
        2,
        "ligne 2 : ligne de 64 Mo",
    ),
    (
        "20 Mo de séparateurs",
        _bytes("separateurs.csv", lambda t: b"a;b\n1;2\n" + b";" * 20 * 1024**2 + b"\n"),
        2,
        "ligne 3 : ligne de 20 Mo",
    ),
    ("20 001 colonnes", _text("large.csv", "a;b\n" + ";" * 20_000 + "\n"), 2, "20\u202f001 col"),
    (
        "UTF-16",
        _text("utf16.csv", "Nom;Commune\nÉpicerie;Mortagne\nCafé;Bellême\n", "utf-16"),
        0,
        "chargées : 2",
    ),
    (
        "une ligne Windows-1252 dans un fichier UTF-8",
        _bytes(
            "mele.csv",
            "Nom;Commune\nÉpicerie;Mortagne\n".encode()
            + "Café;Bellême\n".encode("cp1252")
            + b"Boulangerie;L'Aigle\n",
        ),
        0,
        "ligne 3 : caractères qui ne sont pas de l'UTF-8, lus en Windows-1252",
    ),
    (
        "ODS lisible, lignes vides répétées à la LibreOffice",
        _ods(
            "libre.ods",
            _ods_row("Nom", "Commune")
            + _ods_row("Épicerie", "Mortagne")
            + '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
        ),
        0,
        "chargées : 1",
    ),
    (
        "ODS : une valeur répétée 16 000 colonnes plus loin",
        _ods(
            "repete.ods",
            _ods_row("Nom", "Commune") + _ods_row("x", repeat=2000, gap=16_000),
        ),
        2,
        "2\u202f001 lignes × 16\u202f001 colonnes (32\u202f018\u202f001 cellules) pour "
        "2\u202f002 cellules remplies",
    ),
    (
        "CSV de 1 Mo dans une cellule",
        _text("grande.csv", "texte;n\n" + "x" * 1_000_000 + ";1\n"),
        0,
        "unlabelled",
    ),
]


@pytest.mark.parametrize("case, build, status, fragment", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_file_ends_in_anomalies_or_one_french_error(
    case, build, status, fragment, tmp_path, capsys
):
    path = build(tmp_path)
    before = path.read_bytes()
    rc = main(["inspect", str(path)])
    out, err = capsys.readouterr()
    assert rc == status, (out, err)
    assert "Traceback" not in out + err
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"Erreur : fichier « {path.name} »")
        assert fragment in lines[0]
    else:
        assert fragment in out
    assert path.read_bytes() == before  # inputs are never modified


def test_form_missing_values_found_in_the_data(tmp_path, capsys):
    wb = load_workbook(EXPORT)
    ws = wb.active
    col = [c.value for c in ws[1]].index("identite/type_acteur") + 1
    ws.cell(row=2, column=col, value="ovni")
    wb.save(tmp_path / "export.xlsx")
    assert main(["inspect", str(tmp_path / "export.xlsx"), "--form", str(FORM), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    hits = [a for a in report["anomalies"] if a["value"] == "ovni"]
    assert hits and hits[0]["row"] == 2 and "liste de choix" in hits[0]["problem"]
    assert report["rows_loaded"] == 148


def test_run_with_a_damaged_export_names_the_file(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "projet")
    (tmp_path / "projet" / "export_kobo_acteurs.xlsx").write_bytes(EXPORT.read_bytes()[:5000])
    rc = main(["run", str(tmp_path / "projet" / "diagnostic.toml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "export_kobo_acteurs.xlsx" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "diagnostic.xlsx").exists()


# --- hostile JSON and incomplete territory files ------------------------------------------


@pytest.mark.parametrize("name", ["communes.json", "contours.geojson"])
def test_deeply_nested_json_is_refused_in_french(name, tmp_path):
    import diagnostic
    from diagnostic import DiagnosticError
    from diagnostic.territory.maps import read_boundaries

    path = tmp_path / name
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    read = diagnostic.read_communes if name.endswith(".json") else read_boundaries
    with pytest.raises(DiagnosticError) as err:
        read(path)
    assert f"« {name} »" in str(err.value) and "imbriqué trop profondément" in str(err.value)


def test_etalab_commune_without_departement_is_placed(shared, tmp_path):
    import json

    import pandas as pd

    import diagnostic

    items = json.loads(
        (shared / "geo/etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json").read_text(
            encoding="utf-8"
        )
    )
    mortagne = next(d for d in items if d["code"] == "61293")
    del mortagne["departement"]
    (tmp_path / "communes.json").write_text(json.dumps(items), encoding="utf-8")
    communes = diagnostic.read_communes(tmp_path / "communes.json")
    actors = pd.DataFrame(
        {
            "actor_id": ["a0", "a1"],
            "actor_type": "asso",
            "commune_name": pd.array(["Mortagne-au-Perche", "Mortagne au Perch"], dtype="string"),
            "source_file": "x.xlsx",
            "source_row": [2, 3],
        }
    )
    placed, anomalies = diagnostic.place_actors(actors, communes)
    assert placed["commune_code"].tolist() == ["61293", "61293"]
    # the fuzzy match is reported with the commune's label, its département unknown
    assert (
        anomalies["problem"].str.contains("« Mortagne-au-Perche (?) » (61293)", regex=False).any()
    )


# --- spreadsheets larger than their data ----------------------------------------------------


@pytest.mark.parametrize("ref", ["XFD1048576", "A1048576", "C5000", "XFD1", "ZZ3"])
def test_stray_cell_is_an_anomaly_not_a_respondent(ref, tmp_path, capsys):
    path = _far_cell("export.xlsx", ref)(tmp_path)
    assert main(["inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # the example's 148 respondents, 2 duplicates rejected: as without the stray cell
    assert (report["rows_read"], report["rows_loaded"], report["respondents"]) == (150, 148, 148)
    stray = [a for a in report["anomalies"] if f"cellule {ref} " in a["problem"]]
    assert len(stray) == 1
    assert stray[0]["row"] == int(re.sub("[A-Z]", "", ref)) and stray[0]["action"] == "rejeté"
    assert "« Diagnostic partagé — acteurs »" in stray[0]["problem"]
    assert "égaré" not in json.dumps(report["anomalies"], ensure_ascii=False)


def test_far_cell_is_read_cell_by_cell_with_the_same_values(tmp_path):
    from diagnostic._io import sheets
    from diagnostic._io.tables import read_table

    path = _far_cell("xfd.xlsx", "XFD1048576")(tmp_path)
    extent = sheets._sheet_extent(path, 0)
    assert (extent.ref, extent.rows, extent.columns) == ("A1:XFD1048576", 1048576, 16384)
    assert extent.sparse  # never handed to calamine's dense grid
    sheets.clear_cache()
    far = read_table(path)
    sheets.clear_cache()
    plain = read_table(EXPORT)
    pd.testing.assert_frame_equal(far.frame, plain.frame)


@pytest.mark.parametrize(
    "xml",
    [
        b'<row r="1"><c r="A1"/><c r="ZZ1"/></row>',
        b'<row r="1"><c r="A1"/><c r="AAA1"/></row>',
        b'<row r="1"><c\tr="XFD7"/></row>',
        b'<row r="1"><c\nr="ABC12"/></row>',
        b'r="AAA1" at the very start, no space before',
        b'<x attr="ABC1"/><c r="AB1"/>',  # an attribute ending in r, not a cell reference
        b'<c r="AAAA"/><c r="AB1"/>',
        b"",
    ],
)
def test_wide_cell_search_agrees_with_a_plain_regex(xml):
    from diagnostic._io import sheets

    # written independently: any whitespace, then r="<3 letters><digit>"
    assert sheets._has_wide_cell(xml) == (re.search(rb'\sr="[A-Z]{3}\d', xml) is not None)


def test_body_let_go_after_reading_a_table_then_read_again_whole(tmp_path, monkeypatch):
    from diagnostic._io import sheets
    from diagnostic._io.tables import read_table

    path = _far_cell("export.xlsx", "C5000")(tmp_path)  # a stray cell far below the data
    sheets.clear_cache()
    parses = []
    parse = sheets._parse
    monkeypatch.setattr(sheets, "_parse", lambda *a: parses.append(a) or parse(*a))
    whole = [list(r) for r in sheets.read_raw(path)]
    table = read_table(path)
    assert len(parses) == 1 and len(table.frame) == 150
    # the cells are let go; the first rows, the strays and the sheet's name stay at hand
    assert sheets.read_raw(path, 0, nrows=3) == whole[:3]
    assert sheets.stray_cells(path) == ("Diagnostic partagé — acteurs", [("C5000", 5000)])
    assert len(parses) == 1
    # the whole sheet asked for again: parsed again, the same cells
    assert sheets.read_raw(path) == whole and len(parses) == 2
    sheets.clear_cache()


def test_a_sheet_parsed_ahead_is_the_sheet_read_and_is_parsed_once(tmp_path, monkeypatch):
    """`prefetch` (the run's answers parsed while modules are imported): the reading gets
    the same cells, from the one parse made in the thread; another sheet asked for, or the
    file changed since, is parsed as ever and the cells parsed ahead are not kept."""
    from diagnostic._io import sheets

    path = tmp_path / "export.xlsx"
    wb = Workbook()
    wb.active.append(["nom", "commune"])
    wb.active.append(["Ferme du Perche", "Mortagne-au-Perche"])
    wb.create_sheet("autre").append(["x"])
    wb.save(path)
    sheets.clear_cache()
    expected = [list(r) for r in sheets.read_raw(path)]
    sheets.clear_cache()
    threads = []
    parse = sheets._parse
    monkeypatch.setattr(
        sheets, "_parse", lambda *a: threads.append(threading.current_thread().name) or parse(*a)
    )
    sheets.prefetch(path)
    assert (
        sheets.read_raw(path)
        == expected
        == [
            ["nom", "commune"],
            ["Ferme du Perche", "Mortagne-au-Perche"],
        ]
    )
    assert threads == ["diagnostic-prefetch"] and not sheets._PREFETCHED
    sheets.clear_cache()
    sheets.prefetch(path)
    ahead = next(iter(sheets._PREFETCHED.values()))[0]
    assert sheets.read_raw(path, "autre") == [["x"]]  # another sheet: parsed here
    assert threads[-1] == "MainThread" and not sheets._PREFETCHED
    assert not ahead.is_alive()  # the parse ahead ended, not left running
    sheets.clear_cache()
    sheets.prefetch(path)
    sheets._PREFETCHED[next(iter(sheets._PREFETCHED))][0].join()
    wb.active.append(["Boulangerie", "Bellême"])  # the file changes after the parse ahead
    wb.save(path)
    assert sheets.read_raw(path)[-1] == ["Boulangerie", "Bellême"]
    assert not sheets._PREFETCHED
    sheets.clear_cache()
    # not a workbook, or a damaged one: nothing raised ahead; the reading says it, in French
    sheets.prefetch(tmp_path / "absent.xlsx")
    sheets.prefetch(tmp_path / "reponses.csv")
    damaged = tmp_path / "abime.xlsx"
    damaged.write_bytes(path.read_bytes()[:300])
    sheets.prefetch(damaged)
    with pytest.raises(DiagnosticError, match="abime.xlsx"):
        sheets.read_raw(damaged)
    sheets.clear_cache()


def test_sheet_above_the_cell_limit_is_refused_naming_its_dimension(tmp_path, capsys, monkeypatch):
    from diagnostic._io import sheets

    sheets.clear_cache()
    shutil.copy(EXPORT, tmp_path / "export.xlsx")
    # the example states A1:BO151 (67 × 151 = 10,117 cells), well filled: above this limit, refused
    monkeypatch.setattr(sheets, "MAX_CELLS", 5_000)
    assert main(["inspect", str(tmp_path / "export.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : fichier « export.xlsx » : la feuille « Diagnostic partagé")
    assert "A1:BO151" in err and "10\u202f117 cellules" in err and "Traceback" not in err


def test_sparse_sheet_whose_data_is_still_too_large_is_refused(tmp_path, monkeypatch):
    from diagnostic import DiagnosticError
    from diagnostic._io import sheets

    wb = Workbook()
    for row in range(1, 13):  # twelve filled rows down to row 1,100: none is a stray
        for column in (1, 2, 3):
            wb.active.cell(row=row * 100 - 99, column=column, value=f"r{row}")
    wb.active["XFD1"] = "loin"
    wb.save(tmp_path / "clairseme.xlsx")
    sheets.clear_cache()
    monkeypatch.setattr(sheets, "SPARSE_ABOVE", 1_000)
    monkeypatch.setattr(sheets, "MAX_CELLS", 1_000_000)
    # A1:XFD1101 is 18 million cells: read sparsely, then the far column is a stray and
    # the data left (A1:C1101) is small
    rows = sheets.read_raw(tmp_path / "clairseme.xlsx")
    assert len(rows) == 1101 and len(rows[0]) == 3
    assert sheets.stray_cells(tmp_path / "clairseme.xlsx") == ("Sheet", [("XFD1", 1)])
    sheets.clear_cache()
    monkeypatch.setattr(sheets, "MAX_CELLS", 3_000)
    with pytest.raises(DiagnosticError, match="A1:XFD1101"):
        sheets.read_raw(tmp_path / "clairseme.xlsx")


# --- text encodings ---------------------------------------------------------------------------

TEXT = "Nom;Commune\nÉpicerie;Mortagne\nCafé;Bellême\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252"])
def test_csv_encodings_are_detected(encoding, tmp_path):
    from diagnostic._io.tables import read_table

    path = tmp_path / "acteurs.csv"
    path.write_bytes(TEXT.encode(encoding))  # "utf-16" writes a BOM, -le and -be none
    table = read_table(path)
    assert list(table.frame.columns) == ["Nom", "Commune"]
    assert table.frame.values.tolist() == [["Épicerie", "Mortagne"], ["Café", "Bellême"]]
    assert table.notes == []


def test_mixed_encoding_lines_are_decoded_and_named(tmp_path):
    from diagnostic._io.tables import read_table

    lines = ["Nom;Commune", "Épicerie;Mortagne", "Café;Bellême", "Boulangerie;L'Aigle", "Été;Sées"]
    encodings = ["utf-8", "utf-8", "cp1252", "utf-8", "cp1252"]
    path = tmp_path / "mele.csv"
    path.write_bytes(b"".join(f"{t}\r\n".encode(e) for t, e in zip(lines, encodings)))
    table = read_table(path)
    assert table.frame.values.tolist() == [line.split(";") for line in lines[1:]]
    assert table.encoding == "utf-8+cp1252"
    assert [row for _problem, row in table.notes] == [3, 5]


def test_territory_csv_gets_the_same_checks(tmp_path):
    from diagnostic import DiagnosticError
    from diagnostic._io.delimited import read_delimited

    path = tmp_path / "commune_2025.csv"
    path.write_bytes("COM;LIBELLE\n61001;Alençon\n".encode("utf-16"))
    assert read_delimited(path).values.tolist() == [["61001", "Alençon"]]
    path.write_bytes(b"COM;LIBELLE\n" + b";" * 17 * 1024**2 + b"\n")
    with pytest.raises(DiagnosticError, match="commune_2025.csv.*ligne 2 : ligne de 17 Mo"):
        read_delimited(path)


# --- the output folder ------------------------------------------------------------------------

PROJECT = EXAMPLE / "diagnostic.toml"


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def previous(demo_out, tmp_path):
    """An output folder holding a previous run's outputs and a file of the user's."""
    out = tmp_path / "out"
    shutil.copytree(demo_out, out)
    (out / "mes notes.txt").write_text("à garder", encoding="utf-8")
    return out


def test_output_folder_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    (tmp_path / "out").write_text("pas un dossier", encoding="utf-8")
    for target in (tmp_path / "out", tmp_path / "out" / "sous-dossier"):
        assert main(["run", str(PROJECT), "-o", str(target)]) == 2
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines == [
            f"Erreur : dossier de sortie « {target} » : « {tmp_path / 'out'} » est un fichier, "
            "pas un dossier ; choisissez un autre dossier de sortie (-o)."
        ]
    assert (tmp_path / "out").read_text(encoding="utf-8") == "pas un dossier"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_output_folder_that_cannot_be_created_is_refused(capsys):
    assert main(["run", str(PROJECT), "-o", "/proc/diagnostic-sortie"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : dossier de sortie « /proc/diagnostic-sortie » : impossible")
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_folder_is_refused(previous, capsys):
    before = _snapshot(previous)
    previous.chmod(0o500)
    try:
        assert main(["run", str(PROJECT), "-o", str(previous)]) == 2
    finally:
        previous.chmod(0o700)
    assert "écriture interdite" in capsys.readouterr().err
    assert _snapshot(previous) == before


def test_failed_export_leaves_previous_outputs_whole(example_diag, previous, monkeypatch):
    import diagnostic.export as export
    import diagnostic.export.html as html  # the report's job imports it when it runs

    before = _snapshot(previous)

    def broken(diag, path, **_options):
        Path(path).write_text("à moitié écrit", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html, "to_html", broken)  # one job of several: the others are written
    with pytest.raises(OSError):
        export.write_outputs(example_diag, previous)
    assert _snapshot(previous) == before  # nothing replaced, nothing left behind
    assert sorted(p.name for p in previous.iterdir()) == sorted(
        [
            "diagnostic.html",
            "diagnostic.xlsx",
            "fiches_projets.html",
            "mes notes.txt",
            "reseau",
            "tables",
        ]
    )


def test_new_run_replaces_every_output_and_keeps_other_files(example_diag, previous):
    import diagnostic

    (previous / "tables" / "ancienne_table.csv").write_text("a\n1\n", encoding="utf-8")
    paths = diagnostic.write_outputs(example_diag, previous)
    assert paths["workbook"] == previous / "diagnostic.xlsx"
    assert paths["kumu_elements"] == previous / "reseau" / "elements.csv"
    # tables/ is this run's whole: a table of an earlier run does not linger among them
    assert not (previous / "tables" / "ancienne_table.csv").exists()
    assert (previous / "tables" / "actors.csv").exists()
    assert (previous / "mes notes.txt").read_text(encoding="utf-8") == "à garder"
    assert not [p for p in previous.rglob("*") if p.name.startswith(".")]


def test_run_waits_for_the_lock_of_another_run(example_diag, previous, monkeypatch):
    from filelock import FileLock

    import diagnostic
    from diagnostic import DiagnosticError
    from diagnostic._io import atomic

    before = _snapshot(previous)
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.2)
    with FileLock(atomic._lock_file(previous)):  # another run is swapping its outputs in
        with pytest.raises(DiagnosticError, match="un autre calcul y écrit"):
            diagnostic.write_outputs(example_diag, previous)
    assert _snapshot(previous) == before


def _writing_workbook(scratch) -> bool:
    """True once xlsxwriter streams rows into its scratch folder in `scratch`."""
    try:
        return any(
            p.name.startswith("diagnostic-xlsx-") and any(p.iterdir()) for p in scratch.iterdir()
        )
    except FileNotFoundError:  # the folder went as it was looked at
        return False


def test_sigterm_during_the_export_leaves_no_trace(previous, tmp_path):
    """A real process stopped by SIGTERM while it writes: previous outputs intact, no
    staging folder, no ``.tmp`` file, no scratch folder in the temporary directory."""
    import diagnostic

    before = _snapshot(previous)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(diagnostic.__file__).parents[1]),
        "TMPDIR": str(scratch),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "diagnostic.cli", "run", str(PROJECT), "-o", str(previous)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    # stopped while the workbook streams its rows into its scratch folder
    while not _writing_workbook(scratch):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.005)
    assert any(p.name.startswith(".diagnostic-en-cours-") for p in previous.iterdir())
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Arrêté (SIGTERM)." in err and "Traceback" not in err
    assert _snapshot(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == sorted(
        [
            "diagnostic.html",
            "diagnostic.xlsx",
            "fiches_projets.html",
            "mes notes.txt",
            "reseau",
            "tables",
        ]
    )
    assert [p.name for p in scratch.iterdir() if not p.name.endswith(".lock")] == []


def test_output_that_cannot_be_replaced_leaves_every_previous_one(
    example_diag, previous, monkeypatch
):
    """On Windows a workbook open in Excel cannot be moved: the swap then undoes itself."""
    import diagnostic
    from diagnostic import DiagnosticError
    from diagnostic._io import atomic

    before = _snapshot(previous)
    real_replace = os.replace

    def locked(src, dst):
        if Path(src) == previous / "diagnostic.xlsx":
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(DiagnosticError, match="impossible de remplacer « diagnostic.xlsx »"):
        diagnostic.write_outputs(example_diag, previous)
    assert _snapshot(previous) == before  # diagnostic.html, moved first, is back
    assert not [p for p in previous.iterdir() if p.name.startswith(".")]


def test_staging_folder_of_a_killed_run_is_removed_a_day_later(example_diag, previous):
    import diagnostic

    stale = previous / ".diagnostic-en-cours-tue"
    recent = previous / ".diagnostic-en-cours-autre-calcul"
    for folder in (stale, recent):
        (folder / "tables").mkdir(parents=True)
        (folder / "diagnostic.xlsx").write_bytes(b"PK")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    diagnostic.write_outputs(example_diag, previous)
    assert not stale.exists()
    assert recent.is_dir()  # perhaps another run still writing: left alone


def test_stray_cell_in_a_form_is_reported_not_a_question(tmp_path):
    from diagnostic._io import sheets
    from diagnostic.forms import read_form

    wb = load_workbook(FORM)
    wb["survey"]["A5000"] = "select_one égaré"
    wb.save(tmp_path / "formulaire.xlsx")
    sheets.clear_cache()
    plain, stray = read_form(FORM), read_form(tmp_path / "formulaire.xlsx")
    pd.testing.assert_frame_equal(stray.questions, plain.questions)
    hits = stray.anomalies[stray.anomalies["problem"].str.contains("cellule A5000", regex=False)]
    assert hits["row"].tolist() == [5000] and hits["action"].tolist() == ["rejeté"]
    assert "« survey »" in hits["problem"].iloc[0]
