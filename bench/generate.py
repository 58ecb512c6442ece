"""Generate large, realistic inputs for the benchmarks (never committed: bench/data/).

Sizes: S = 150 actors, M = 5,000 actors × 120 columns, L = 50,000 actors × 250 columns,
written as a KoboToolbox XLSX export with its XLSForm, plus a national-size indicator file
(35,000 communes × 100 indicators) in INSEE's comparateur layout.
"""

from __future__ import annotations

import csv
import json
import random
import tomllib
from pathlib import Path

import xlsxwriter

from diagnostic.datasets import ACTOR_TYPES, IMPORTANCE, RESOURCES, SECTORS, WILLINGNESS, example_dir

SIZES = {"S": (150, 60), "M": (5_000, 120), "L": (50_000, 250)}
FIXED_COLUMNS = 58  # identity, needs/offers split columns, cooperation and meta columns
META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
        "_submitted_by", "__version__", "_tags", "_index"]


def _issue_count(columns: int) -> int:
    return max(5, columns - FIXED_COLUMNS)


def _write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


def write_form(path: Path, n_issues: int) -> None:
    """An XLSForm with `n_issues` Likert issue questions and the example's other questions."""
    survey = [["type", "name", "label::Français (fr)", "diagnostic", "theme"],
              ["begin_group", "identite", "Votre structure", "", ""],
              ["text", "nom_structure", "Nom de la structure", "actor_name", ""],
              ["text", "contact_email", "Courriel", "contact", ""],
              ["select_one types", "type_acteur", "Type de structure", "actor_type", ""],
              ["select_one secteurs", "secteur", "Secteur", "sector", ""],
              ["text", "commune", "Commune", "commune", ""],
              ["end_group", "", "", "", ""],
              ["begin_group", "enjeux", "Enjeux", "", ""]]
    survey += [["select_one importance", f"enjeu_{i:03d}", f"Importance : enjeu {i}",
                "issue_importance", f"Thème {i % 7}"] for i in range(n_issues)]
    survey += [["end_group", "", "", "", ""],
               ["begin_group", "ressources", "Ressources", "", ""],
               ["select_multiple ressources", "besoins", "Besoins", "need", ""],
               ["text", "besoins_autre", "Autre besoin", "need", ""],
               ["select_multiple ressources", "offres", "Offres", "offer", ""],
               ["text", "offres_autre", "Autre offre", "offer", ""],
               ["end_group", "", "", "", ""],
               ["select_one volonte", "volonte", "Prêt à coopérer ?", "cooperation", ""],
               ["text", "commentaire", "Commentaire", "free_text", ""]]
    choices = [["list_name", "name", "label::Français (fr)"]]
    for list_name, items in [("types", [(v, fr) for v, fr, _en, _n in ACTOR_TYPES]),
                             ("secteurs", [(v, fr) for v, fr, _en in SECTORS]),
                             ("importance", [(v, fr) for v, fr, _en in IMPORTANCE]),
                             ("ressources", [(v, fr) for v, fr, _en in RESOURCES]),
                             ("volonte", [(v, fr) for v, fr, _en in WILLINGNESS])]:
        choices += [[list_name, v, fr] for v, fr in items]
    _write_xlsx(path, {"survey": survey, "choices": choices,
                       "settings": [["form_title", "default_language"], ["Banc d'essai", "Français (fr)"]]})


def _communes() -> list[dict]:
    with open(example_dir() / "geo" / "communes.json", encoding="utf-8") as f:
        return [c for c in json.load(f) if c["type"] == "commune-actuelle"]


def export_rows(n_actors: int, n_issues: int, seed: int = 7):
    """Header and rows of a Kobo export (XML values and headers, `/` separator)."""
    rng = random.Random(seed)
    resources = [v for v, *_ in RESOURCES]
    types = [v for v, *_ in ACTOR_TYPES]
    communes = [c["nom"] for c in _communes()]
    header = ["start", "end", "identite/nom_structure", "identite/contact_email",
              "identite/type_acteur", "identite/secteur", "identite/commune"]
    header += [f"enjeux/enjeu_{i:03d}" for i in range(n_issues)]
    header += ["ressources/besoins"] + [f"ressources/besoins/{r}" for r in resources]
    header += ["ressources/besoins_autre", "ressources/offres"]
    header += [f"ressources/offres/{r}" for r in resources] + ["ressources/offres_autre"]
    header += ["volonte", "commentaire"] + META
    levels = ["1", "2", "3", "4", "5", "nsp"]
    rows = []
    for i in range(n_actors):
        needs = rng.sample(resources[:-1], rng.randint(0, 3))
        offers = rng.sample(resources[:-1], rng.randint(0, 2))
        row = ["2026-09-01T09:00:00", "2026-09-01T09:15:00", f"Structure {i}",
               f"contact{i}@exemple.fr", rng.choice(types), rng.choice(SECTORS)[0],
               rng.choice(communes)]
        row += [rng.choices(levels, weights=[1, 2, 3, 4, 4, 1])[0] for _ in range(n_issues)]
        row += [" ".join(needs)] + [int(r in needs) for r in resources] + ["", " ".join(offers)]
        row += [int(r in offers) for r in resources] + [""]
        row += [rng.choice(["oui", "oui", "peut_etre", "non"]), ""]
        row += [i, f"{rng.getrandbits(128):032x}", "2026-09-01T11:00:00", "", "[]",
                "submitted_via_web", "", "v1", "[]", i + 1]
        rows.append(row)
    return header, rows


def write_indicators(path: Path, n_communes: int = 35_000, n_indicators: int = 100, seed: int = 3):
    """A national-size comparateur-like file: CODGEO + counts, `;`-separated, `s` for secret."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["CODGEO"] + [f"IND{j:03d}" for j in range(n_indicators)])
        for i in range(n_communes):
            code = f"{1 + i // 900:02d}{i % 900 + 1:03d}"
            w.writerow([code] + [("s" if rng.random() < 0.01 else rng.randint(0, 5000))
                                 for _ in range(n_indicators)])


def write_size(folder: Path, size: str) -> Path:
    """Write the form, the export and a project file for `size`; return the project path."""
    n_actors, n_columns = SIZES[size]
    folder = Path(folder) / size
    folder.mkdir(parents=True, exist_ok=True)
    n_issues = _issue_count(n_columns)
    write_form(folder / "form.xlsx", n_issues)
    header, rows = export_rows(n_actors, n_issues)
    _write_xlsx(folder / "export.xlsx", {"export": [header] + rows})
    geo = example_dir() / "geo"
    project = folder / "diagnostic.toml"
    project.write_text(
        f'title = "Banc d\'essai {size}"\nterritory = ["200036069"]\n'
        f'[[survey]]\nresponses = "export.xlsx"\nform = "form.xlsx"\n'
        f'[geography]\ncommunes = "{geo / "communes.json"}"\nepci = "{geo / "epci.json"}"\n',
        encoding="utf-8")
    tomllib.loads(project.read_text(encoding="utf-8"))
    return project
