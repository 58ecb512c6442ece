"""Generate large, realistic inputs for the benchmarks (never committed: bench/data/).

Sizes: S = 150 actors, M = 5,000 actors × 120 columns, L = 50,000 actors × 250 columns,
written as a KoboToolbox XLSX export with its XLSForm, plus a national-size indicator file
(35,000 communes × 100 indicators) in INSEE's comparateur layout, which a second project
file of the largest size declares as its [[indicators]].
"""

from __future__ import annotations

import csv
import json
import random
import tomllib
from pathlib import Path

import xlsxwriter

from diagnostic.datasets import (
    ACTOR_TYPES,
    IMPORTANCE,
    RESOURCES,
    SECTORS,
    WILLINGNESS,
    example_dir,
)
from diagnostic.readers.kobo import SUBMISSION_META

SIZES = {"S": (150, 60), "M": (5_000, 120), "L": (50_000, 250)}
FIXED_COLUMNS = 58  # identity, needs/offers split columns, cooperation and meta columns
META = list(SUBMISSION_META)


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
    survey = [
        ["type", "name", "label::Français (fr)", "diagnostic", "theme"],
        ["begin_group", "identite", "Votre structure", "", ""],
        ["text", "nom_structure", "Nom de la structure", "actor_name", ""],
        ["text", "contact_email", "Courriel", "contact", ""],
        ["select_one types", "type_acteur", "Type de structure", "actor_type", ""],
        ["select_one secteurs", "secteur", "Secteur", "sector", ""],
        ["text", "commune", "Commune", "commune", ""],
        ["end_group", "", "", "", ""],
        ["begin_group", "enjeux", "Enjeux", "", ""],
    ]
    survey += [
        [
            "select_one importance",
            f"enjeu_{i:03d}",
            f"Importance : enjeu {i}",
            "issue_importance",
            f"Thème {i % 7}",
        ]
        for i in range(n_issues)
    ]
    survey += [
        ["end_group", "", "", "", ""],
        ["begin_group", "ressources", "Ressources", "", ""],
        ["select_multiple ressources", "besoins", "Besoins", "need", ""],
        ["text", "besoins_autre", "Autre besoin", "need", ""],
        ["select_multiple ressources", "offres", "Offres", "offer", ""],
        ["text", "offres_autre", "Autre offre", "offer", ""],
        ["end_group", "", "", "", ""],
        ["select_one volonte", "volonte", "Prêt à coopérer ?", "cooperation", ""],
        ["text", "commentaire", "Commentaire", "free_text", ""],
    ]
    choices = [["list_name", "name", "label::Français (fr)"]]
    for list_name, items in [
        ("types", [(v, fr) for v, fr, _en, _n in ACTOR_TYPES]),
        ("secteurs", [(v, fr) for v, fr, _en in SECTORS]),
        ("importance", [(v, fr) for v, fr, _en in IMPORTANCE]),
        ("ressources", [(v, fr) for v, fr, _en in RESOURCES]),
        ("volonte", [(v, fr) for v, fr, _en in WILLINGNESS]),
    ]:
        choices += [[list_name, v, fr] for v, fr in items]
    _write_xlsx(
        path,
        {
            "survey": survey,
            "choices": choices,
            "settings": [["form_title", "default_language"], ["Banc d'essai", "Français (fr)"]],
        },
    )


def _communes() -> list[dict]:
    with open(example_dir() / "geo" / "communes.json", encoding="utf-8") as f:
        return [c for c in json.load(f) if c["type"] == "commune-actuelle"]


def export_rows(n_actors: int, n_issues: int, seed: int = 7):
    """Header and rows of a Kobo export (XML values and headers, `/` separator)."""
    rng = random.Random(seed)
    resources = [v for v, *_ in RESOURCES]
    types = [v for v, *_ in ACTOR_TYPES]
    communes = [c["nom"] for c in _communes()]
    header = [
        "start",
        "end",
        "identite/nom_structure",
        "identite/contact_email",
        "identite/type_acteur",
        "identite/secteur",
        "identite/commune",
    ]
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
        row = [
            "2026-09-01T09:00:00",
            "2026-09-01T09:15:00",
            f"Structure {i}",
            f"contact{i}@exemple.fr",
            rng.choice(types),
            rng.choice(SECTORS)[0],
            rng.choice(communes),
        ]
        row += [rng.choices(levels, weights=[1, 2, 3, 4, 4, 1])[0] for _ in range(n_issues)]
        row += [" ".join(needs)] + [int(r in needs) for r in resources] + ["", " ".join(offers)]
        row += [int(r in offers) for r in resources] + [""]
        row += [rng.choice(["oui", "oui", "peut_etre", "non"]), ""]
        row += [
            i,
            f"{rng.getrandbits(128):032x}",
            "2026-09-01T11:00:00",
            "",
            "[]",
            "submitted_via_web",
            "",
            "v1",
            "[]",
            i + 1,
        ]
        rows.append(row)
    return header, rows


#: The comparateur de territoires' columns (INSEE, édition 2025), then further counts of the
#: dossier complet's kind, up to 100 indicators: the reader keeps what it knows.
COMPARATEUR = [
    "P22_POP",
    "P16_POP",
    "SUPERF",
    "NAIS1621",
    "DECE1621",
    "P22_MEN",
    "NAISD24",
    "DECESD24",
    "P22_LOG",
    "P22_RP",
    "P22_RSECOCC",
    "P22_LOGVAC",
    "P22_RP_PROP",
    "NBMENFISC21",
    "PIMP21",
    "MED21",
    "TP6021",
    "P22_EMPLT",
    "P22_EMPLT_SAL",
    "P16_EMPLT",
    "P22_POP1564",
    "P22_CHOM1564",
    "P22_ACT1564",
    "ETTOT24",
    "ETAZ24",
    "ETBE24",
    "ETFZ24",
    "ETGU24",
    "ETOQ24",
    "ETTEF124",
    "ETTEFP1024",
]
_EXTRA = [
    f"P22_{part}"
    for part in (
        "POP0014",
        "POP1529",
        "POP3044",
        "POP4559",
        "POP6074",
        "POP7589",
        "POP90P",
        "POPH",
        "POPF",
    )
]
_EXTRA += [
    f"C22_{kind}{n:02d}" for kind in ("MEN", "FAM", "ACT", "EMP", "LOG", "RP") for n in range(1, 11)
]
_EXTRA = _EXTRA[: 100 - len(COMPARATEUR)]
_DEPARTEMENTS = (
    [f"{d:02d}" for d in range(1, 96) if d != 20]
    + ["2A", "2B"]
    + ["971", "972", "973", "974", "976"]
)


def _decimal(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def _commune_row(rng: random.Random) -> list:
    """Plausible values for one commune, consistent with one another (rates from counts)."""
    pop = int(rng.lognormvariate(6.3, 1.1)) + 20
    log = int(pop * rng.uniform(0.45, 0.7)) + 1
    rp = int(log * rng.uniform(0.6, 0.9))
    act = int(pop * rng.uniform(0.4, 0.5)) + 1
    emp = int(pop * rng.uniform(0.2, 0.6))
    etab = int(pop * rng.uniform(0.04, 0.12))
    menfisc = int(rp * rng.uniform(0.9, 1.0))
    secret = menfisc < 50  # INSEE hides income figures of small communes
    row = [
        pop,
        int(pop * rng.uniform(0.9, 1.08)),
        round(rng.uniform(3, 60), 2),
        int(pop * 0.05),
        int(pop * 0.06),
        rp,
        int(pop * 0.01),
        int(pop * 0.012),
        log,
        rp,
        int((log - rp) * 0.6),
        log - rp - int((log - rp) * 0.6),
        int(rp * rng.uniform(0.5, 0.85)),
        menfisc,
        "s" if secret else _decimal(rng.uniform(30, 65)),
        "s" if secret else int(rng.uniform(18000, 27000)),
        "s" if secret else _decimal(rng.uniform(6, 22)),
        emp,
        int(emp * rng.uniform(0.7, 0.9)),
        int(emp * rng.uniform(0.9, 1.1)),
        int(pop * 0.6),
        int(act * rng.uniform(0.05, 0.16)),
        act,
        etab,
    ]
    row += [int(etab * share) for share in (0.12, 0.07, 0.12, 0.55, 0.14, 0.2, 0.05)]
    return row + [int(pop * rng.uniform(0.01, 0.2)) for _ in _EXTRA]


def write_indicators(path: Path, n_communes: int = 35_000, seed: int = 3) -> Path:
    """A national-size comparateur file: CODGEO and 100 indicators, `;`-separated, decimal
    commas, ``s`` for statistical secret, in INSEE's layout.

    Communes are spread over the départements; the Orne holds the example's communes, so that
    the study area is compared with its département and with France's other communes.
    """
    rng = random.Random(seed)
    overseas = [d for d in _DEPARTEMENTS if len(d) == 3]
    per = (n_communes - 99 * len(overseas)) // (len(_DEPARTEMENTS) - len(overseas))
    local = sorted(c["code"] for c in _communes())
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["CODGEO"] + COMPARATEUR + _EXTRA)
        for dep in _DEPARTEMENTS:
            width = 5 - len(dep)  # overseas départements: 97101…97199
            codes = [f"{dep}{n:0{width}d}" for n in range(1, min(per, 10**width - 1) + 1)]
            if dep == "61":
                codes = sorted(set(codes) | set(local))
            for code in codes:
                w.writerow([code] + _commune_row(rng))
    return path


NATIONAL = "indicateurs_nationaux.csv"


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
        encoding="utf-8",
    )
    tomllib.loads(project.read_text(encoding="utf-8"))
    return project


def write_national(folder: Path, size: str) -> Path:
    """The project of `size` with the national indicator file (written once in `folder`)
    as its [[indicators]]: ``<size>/diagnostic_national.toml``."""
    folder = Path(folder)
    if not (folder / NATIONAL).exists():
        write_indicators(folder / NATIONAL)
    base = folder / size / "diagnostic.toml"
    project = base.with_name("diagnostic_national.toml")
    project.write_text(
        base.read_text(encoding="utf-8") + f'[[indicators]]\nfile = "../{NATIONAL}"\n',
        encoding="utf-8",
    )
    return project
