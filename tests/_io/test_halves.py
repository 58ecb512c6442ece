"""A large .xlsx sheet is parsed in two halves at once (`sheets._parse_halves`): the cells
read are exactly those of one whole parse by calamine, wherever the cut falls."""

import re
import tempfile
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from diagnostic import DiagnosticError
from diagnostic._io import sheets

ROWS = 4000  # about 1 MB of sheet XML: past the first 256 KB read before the cut


def _export(path, *, prefixed=False, without_row_numbers=False):
    """An export whose second half is laid out unlike the first: a cell out in column M on
    row 2 (the first half's widest), rows 2,001 to 2,020 left out (no row element), column A
    empty from row 3,001 on, a cell in column P on row 3,500 (the widest of all); strings
    shared, numbers, dates, booleans and blanks; a second sheet."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Réponses")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["id", "nom", "commune", "note", "date", "adhérent"])
    for i in range(1, ROWS + 1):
        if 2001 <= i <= 2020:
            continue
        if i <= 3000:
            sheet.write_number(i, 0, i)
        sheet.write_string(i, 1, f"Acteur n° {i} — Bellême")
        sheet.write_string(i, 2, ["Mortagne-au-Perche", "Tourouvre", "Soligny"][i % 3])
        if i % 7:
            sheet.write_number(i, 3, i / 8)
        sheet.write_datetime(i, 4, datetime(2026, 1 + i % 12, 1 + i % 28), dates)
        sheet.write_boolean(i, 5, i % 2 == 0)
    sheet.write_string(1, 12, "à droite, première moitié")
    sheet.write_string(3499, 15, "plus à droite, seconde moitié")
    book.add_worksheet("autre").write_row(0, 0, ["x", 1])
    book.close()
    if prefixed or without_row_numbers:
        _rewrite_sheet(path, prefixed, without_row_numbers)
    return path


def _rewrite_sheet(path, prefixed, without_row_numbers):
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                if prefixed:  # every element in a named namespace, as some .NET writers do
                    data = re.sub(rb"<(/?)(?![?!])(\w+)([\s>/])", rb"<\1x:\2\3", data)
                    data = data.replace(b"xmlns=", b"xmlns:x=", 1)
                if without_row_numbers:
                    data = re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", data)
            out.writestr(info, data)


def _whole(path, sheet=0):
    return (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_index(sheet)
        .to_python(skip_empty_area=False)
    )


@pytest.fixture
def halves(monkeypatch, tmp_path):
    """Any sheet is split; the halves joined are recorded; the temporary folder is ours."""
    monkeypatch.setattr(sheets, "HALVES_ABOVE", 0)
    monkeypatch.delenv("DIAGNOSTIC_PROCESSES", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    joined: list = []
    join = sheets._join_halves
    monkeypatch.setattr(sheets, "_join_halves", lambda *a: joined.append(a) or join(*a))
    sheets.clear_cache()
    yield joined, scratch
    sheets.clear_cache()


@pytest.mark.parametrize("share", [0.1, 0.5, 0.52, 0.8, 0.97])
def test_halves_give_the_cells_of_a_whole_parse(share, halves, tmp_path, monkeypatch):
    joined, scratch = halves
    monkeypatch.setattr(sheets, "FIRST_HALF", share)
    path = _export(tmp_path / "export.xlsx")
    rows = sheets._parse(path, 0).rows
    assert len(joined) == 1 and not list(scratch.iterdir())  # split, and nothing left behind
    assert rows == _whole(path)
    # the layout, from the file as written above: 4,001 rows, 16 columns (A to P)
    assert len(rows) == ROWS + 1 and {len(row) for row in rows} == {16}
    assert rows[1][:6] == [1, "Acteur n° 1 — Bellême", "Tourouvre", 0.125, date(2026, 2, 2), False]
    assert rows[1][12] == "à droite, première moitié"
    assert rows[2005] == [""] * 16  # a row the file leaves out
    assert rows[3499][0] == "" and rows[3499][15] == "plus à droite, seconde moitié"
    assert rows[ROWS][1:3] == [f"Acteur n° {ROWS} — Bellême", "Tourouvre"]


def test_cut_falls_in_the_rows_left_out(halves, tmp_path, monkeypatch):
    """The cut just after row 2,001: the second half begins with row 2,022, and the twenty
    rows between, absent from the file, are empty rows of the full width."""
    joined, _ = halves
    path = _export(tmp_path / "export.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    monkeypatch.setattr(sheets, "FIRST_HALF", (xml.index(b'<row r="2001"') + 10) / len(xml))
    rows = sheets._parse(path, 0).rows
    ((first, second),) = joined
    assert first[1][0] == 2001 - 1 and second[0] == (2022 - 1, 0)  # calamine counts from 0
    assert rows == _whole(path)


def test_namespace_prefixed_sheet_is_split_too(halves, tmp_path):
    joined, _ = halves
    path = _export(tmp_path / "export.xlsx", prefixed=True)
    assert sheets._parse(path, 0).rows == _whole(path)
    assert len(joined) == 1


def test_rows_without_their_numbers_are_parsed_whole(halves, tmp_path):
    """A row element without ``r`` is numbered by its place: half a sheet could not say where
    it is, so such a sheet is parsed in one piece."""
    joined, _ = halves
    path = _export(tmp_path / "export.xlsx", without_row_numbers=True)
    assert sheets._parse(path, 0).rows == _whole(path)
    assert not joined


@pytest.mark.parametrize("setting", ["one process", "small sheet"])
def test_one_core_or_a_small_sheet_is_parsed_whole(setting, halves, tmp_path, monkeypatch):
    joined, _ = halves
    if setting == "one process":
        monkeypatch.setenv("DIAGNOSTIC_PROCESSES", "1")
    else:
        monkeypatch.setattr(sheets, "HALVES_ABOVE", 64 * 1024**2)
    path = _export(tmp_path / "export.xlsx")
    assert sheets._parse(path, 0).rows == _whole(path)
    assert not joined


def test_damaged_sheet_is_said_by_the_whole_parse_and_leaves_nothing(halves, tmp_path):
    """The sheet's compressed bytes damaged past its middle: the split stops, the whole parse
    says it in French, naming the file, and the temporary folder is gone."""
    joined, scratch = halves
    path = _export(tmp_path / "abime.xlsx")
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size * 3 // 4
    data[middle : middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(DiagnosticError, match="abime.xlsx"):
        sheets._parse(path, 0)
    assert not joined and not list(scratch.iterdir())


def test_halves_leave_the_disk_once_opened_in_a_private_folder(halves, tmp_path, monkeypatch):
    """The halves hold the answers uncompressed: their folder is readable by this user only,
    and each half is deleted as soon as calamine has opened it, before it is parsed."""
    joined, _ = halves
    seen = []
    parse = sheets._parse_half

    def spy(path, *args):
        mode = path.parent.stat().st_mode & 0o777
        parse(path, *args)
        seen.append((mode, path.exists()))

    monkeypatch.setattr(sheets, "_parse_half", spy)
    path = _export(tmp_path / "export.xlsx")
    assert sheets._parse(path, 0).rows == _whole(path)
    assert len(joined) == 1 and seen == [(0o700, False), (0o700, False)]


def test_no_temporary_folder_reads_whole(halves, tmp_path, monkeypatch):
    joined, _ = halves

    def refused(**kwargs):
        raise PermissionError("dossier temporaire interdit")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    path = _export(tmp_path / "export.xlsx")
    assert sheets._parse(path, 0).rows == _whole(path)
    assert not joined
