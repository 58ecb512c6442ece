"""References file: values published for a whole area, compared like the areas summed from
communes (territory.references, territory.compare)."""

import pandas as pd
import pytest

from diagnostic import DiagnosticError, read_indicators
from diagnostic.schemas import conform
from diagnostic.territory import compare_territories

HEADER = "niveau;code;indicateur;annee;numerateur;denominateur;source\n"


def _file(tmp_path, body, name="refs.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_references_are_read_at_their_level_with_the_indicator_formula(tmp_path):
    path = _file(
        tmp_path,
        "région;28;P22_POP;2022;3339074;;Insee\n"
        "France;;taux_chomage;2022;3 000 000;30000000;Insee RP\n"
        "département;61;part_logements_vacants;2022;17492,5;165312,5;\n",
    )
    table = read_indicators(path).set_index("indicator")
    assert table.loc["P22_POP", ["geo_level", "geo_code"]].tolist() == ["région", "28"]
    assert table.loc["P22_POP", "value"] == 3339074 and pd.isna(table.loc["P22_POP", "denominator"])
    # France is coded FR whatever the file says; a rate is numerator / denominator × 100
    assert table.loc["taux_chomage", "geo_code"] == "FR"
    assert table.loc["taux_chomage", "value"] == pytest.approx(10.0)
    assert table.loc["part_logements_vacants", "value"] == pytest.approx(17492.5 / 165312.5 * 100)
    assert table.loc["taux_chomage", "year"] == 2022
    assert table.loc["taux_chomage", "source"] == "Insee RP (refs.csv)"
    assert table.loc["part_logements_vacants", "source"] == "références publiées (refs.csv)"


@pytest.mark.parametrize(
    "body, where, message",
    [
        ("canton;12;P22_POP;2022;5;;\n", "ligne 2, colonne « niveau »", "niveau « canton »"),
        ("région;28;POP;2022;5;;\n", "colonne « indicateur »", "inconnu ou non additif"),
        ("région;28;MED21;2021;5;;\n", "colonne « indicateur »", "non additif"),
        ("région;28;taux_chomage;2022;5;;\n", "colonne « denominateur »", "est un taux"),
        ("région;28;P22_POP;2022;5;7;\n", "colonne « denominateur »", "est un effectif"),
        ("région;28;P22_POP;2022;cinq;;\n", "colonne « numerateur »", "trouvé « cinq »"),
        ("région;28;P22_POP;2022;nan;;\n", "colonne « numerateur »", "nombre attendu"),
        ("région;;P22_POP;2022;5;;\n", "colonne « code »", "code manquant"),
        ("région;28;taux_chomage;2022;5;0;\n", "colonne « denominateur »", "dénominateur nul"),
        ("région;28;P22_POP;2022;5;;\nrégion;28;P22_POP;2022;6;;\n", "ligne 3", "déjà donné"),
    ],
)
def test_bad_reference_rows_are_plain_french_errors(tmp_path, body, where, message):
    with pytest.raises(DiagnosticError) as err:
        read_indicators(_file(tmp_path, body))
    assert "refs.csv" in str(err.value) and where in str(err.value)
    assert message in str(err.value)


def test_a_references_file_without_its_columns_says_which(tmp_path):
    path = tmp_path / "refs.csv"
    path.write_text("niveau;code;indicateur;numerateur\nrégion;28;P22_POP;5\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match=r"refs\.csv.*ligne 1.*colonnes manquantes : annee"):
        read_indicators(path)


def _geography():
    communes = pd.DataFrame(
        {
            "commune_code": ["61001", "61002", "61003"],
            "name": ["A", "B", "C"],
            "type": "COM",
            "departement": "61",
            "region": "28",
            "epci_code": ["200000001", "200000001", "200000002"],
            "population": [100, 300, 600],
        }
    )
    return conform(communes, "communes")


def _communal(code, values):
    rows = [
        {
            "geo_level": "commune",
            "geo_code": c,
            "indicator": code,
            "year": 2022,
            "value": num / den * 100,
            "numerator": num,
            "denominator": den,
            "source": "Insee (communes.csv)",
        }
        for c, (num, den) in values.items()
    ]
    return pd.DataFrame(rows)


def test_compare_uses_references_for_levels_the_communes_do_not_cover(tmp_path):
    communes = _geography()
    ind = _communal(
        "taux_chomage", {"61001": (10.0, 100.0), "61002": (20.0, 100.0), "61003": (30.0, 200.0)}
    )
    refs = read_indicators(
        _file(
            tmp_path,
            # Normandie and France: published; the Orne row loses to the communes' own sum;
            # another région and another département are not the study's references
            "région;28;taux_chomage;2022;150;1000;Insee\n"
            "France;FR;taux_chomage;2022;300;2000;Insee\n"
            "département;61;taux_chomage;2022;1;1000;Insee\n"
            "région;11;taux_chomage;2022;1;2;Insee\n"
            "département;76;taux_chomage;2022;1;2;Insee\n",
        )
    )
    context, _ = compare_territories(
        pd.concat([ind, refs], ignore_index=True),
        communes,
        {"61001", "61002"},
        codes=("taux_chomage",),
        area_names={"région": {"28": "Normandie"}},
    )
    rows = context.set_index(["geo_level", "geo_code"])
    area = 30 / 200 * 100  # 61001 + 61002: (10 + 20) / (100 + 100)
    assert rows.loc[("zone d'étude", ""), "value"] == pytest.approx(area)
    # the département is the sum of its three communes, not the reference row (0.1 %)
    assert rows.loc[("département", "61"), "value"] == pytest.approx(60 / 400 * 100)
    assert rows.loc[("région", "28"), "value"] == pytest.approx(15.0)
    assert rows.loc[("région", "28"), "geo_name"] == "Normandie"
    assert rows.loc[("France", "FR"), "geo_name"] == "France"
    assert rows.loc[("France", "FR"), "index"] == pytest.approx(area / 15.0 * 100)
    assert rows.loc[("France", "FR"), "gap"] == pytest.approx(0.0)
    assert rows.loc[("région", "28"), "numerator"] == 150
    assert set(context["geo_code"]) == {"", "200000001", "61", "28", "FR"}
    levels = ["zone d'étude", "EPCI", "département", "région", "France"]
    assert list(context["geo_level"]) == levels


def test_a_reference_fills_a_level_the_communes_leave_without_value(tmp_path):
    communes = _geography()
    ind = _communal("taux_chomage", {"61001": (10.0, 100.0), "61002": (20.0, 100.0)})
    refs = read_indicators(_file(tmp_path, "département;61;taux_chomage;2022;50;400;Insee\n"))
    context, _ = compare_territories(
        pd.concat([ind, refs], ignore_index=True),
        communes,
        {"61001", "61002"},
        codes=("taux_chomage",),
    )
    dep = context[context["geo_level"] == "département"]
    # 61003 has no row, so the sum over the Orne is missing: the published value stands in
    assert len(dep) == 1 and dep["value"].iloc[0] == pytest.approx(12.5)
    assert dep["geo_name"].iloc[0] == "Département 61"
    assert dep["missing_reason"].isna().all()
