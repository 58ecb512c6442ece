"""The embedded example: a real territory, a fictional survey, generated deterministically.

The territory is the CC du Pays de Mortagne-au-Perche (Orne), whose communes come from
Etalab's ``decoupage-administratif`` data (``data/example/geo``). The stakeholder survey is
**synthetic**: every actor, name and answer is invented, drawn from a seeded generator, and
written as an XLSForm plus a KoboToolbox XLSX export ("XML values and headers", group
separator ``/``). ``write_example()`` regenerates the committed files identically.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from diagnostic._io.atomic import save_workbook, write_text
from diagnostic._io.text import read_json, strip_accents
from diagnostic.errors import DiagnosticError
from diagnostic.forms.template import CHOICES
from diagnostic.privacy.pseudonyms import SECRET_FILE
from diagnostic.project.file import DECISIONS_FILE
from diagnostic.readers.kobo import SUBMISSION_META
from diagnostic.territory.catalogue import AGE_GROUPS

SEED = 2026
FORM_FILE = "formulaire_acteurs.xlsx"
EXPORT_FILE = "export_kobo_acteurs.xlsx"
PROJECT_FILE = "diagnostic.toml"
#: The example's project secret (see `diagnostic.privacy.pseudonyms`), fixed so that the
#: example's actor ids are the same on every machine. A real project draws its own.
EXAMPLE_SECRET = (
    "# Clé FIXE du projet d'exemple fictif (identifiants reproductibles). Un vrai projet\n"
    "# tire la sienne au hasard au premier lancement : ne la publiez jamais.\n"
    + hashlib.sha256(f"diagnostic exemple {SEED}".encode()).hexdigest()
    + "\n"
)

#: The example's actor types, sectors and lists are the starting questionnaire's
#: (`forms.template.CHOICES`), less those nobody in the example chose.
TYPE_COUNTS = {
    "entreprise": 56,
    "association": 46,
    "cooperative": 16,
    "collectivite": 26,
    "financeur": 4,
}
ACTOR_TYPES = [  # value, French label, English label, count
    (v, fr, en, TYPE_COUNTS[v]) for v, fr, en in CHOICES["types"] if v in TYPE_COUNTS
]
TYPE_SECTORS = {
    "entreprise": ["artisanat", "commerce", "services", "tourisme", "agriculture"],
    "association": ["social", "culture", "environnement", "services", "tourisme"],
    "cooperative": ["agriculture", "environnement", "commerce"],
    "collectivite": ["administration"],
    "financeur": ["finance"],
}
SECTORS = [s for s in CHOICES["secteurs"] if any(s[0] in v for v in TYPE_SECTORS.values())]
#: The example's issues, in the starting questionnaire's shape (`forms.template.ISSUES`):
#: (code, French, English, theme); its own list, the fictional survey was answered on it.
ISSUES = [
    ("mobilite", "Mobilité et transports", "Mobility and transport", "Cadre de vie"),
    ("emploi", "Recrutement et emploi", "Hiring and jobs", "Économie"),
    ("logement", "Logement", "Housing", "Cadre de vie"),
    ("sante", "Accès aux soins", "Access to healthcare", "Services"),
    ("commerce", "Commerce de proximité", "Local shops", "Économie"),
    ("numerique", "Couverture et usages numériques", "Digital coverage and use", "Services"),
    ("agriculture", "Transmission des exploitations agricoles", "Farm succession", "Économie"),
    ("transition", "Transition énergétique", "Energy transition", "Environnement"),
    ("jeunesse", "Offre pour les jeunes", "Youth activities", "Cadre de vie"),
    ("vieillissement", "Vieillissement de la population", "Ageing population", "Services"),
    ("tourisme", "Attractivité touristique", "Tourism appeal", "Économie"),
]
#: Mean importance (1-5) of each issue for each actor type (in `TYPE_COUNTS`' order), drawn
#: around by the generator.
ISSUE_MEANS = {
    iid: dict(zip(TYPE_COUNTS, means))
    for iid, means in {
        "mobilite": (4.2, 4.3, 4.0, 4.4, 4.0),
        "emploi": (4.4, 3.4, 4.2, 3.8, 3.5),
        "logement": (3.2, 3.5, 3.0, 4.1, 3.0),
        "sante": (3.3, 4.3, 3.2, 4.6, 3.8),
        "commerce": (4.1, 2.9, 3.4, 4.2, 2.8),
        "numerique": (4.4, 2.2, 3.9, 2.6, 3.0),
        "agriculture": (2.4, 2.2, 4.6, 2.8, 2.5),
        "transition": (3.1, 3.6, 3.9, 3.5, 4.2),
        "jeunesse": (2.6, 4.3, 2.5, 3.4, 2.7),
        "vieillissement": (2.8, 3.7, 2.6, 4.5, 3.3),
        "tourisme": (3.0, 2.6, 2.4, 2.9, 2.5),
    }.items()
}
IMPORTANCE = list(CHOICES["importance"])  # the starting questionnaire's list
RESOURCES = list(CHOICES["ressources"])  # the starting questionnaire's list
WILLINGNESS = list(CHOICES["volonte"])  # the starting questionnaire's list
CONSENT = list(CHOICES["accord"])  # the starting questionnaire's list
OTHER_TEXTS = [
    "Une chambre froide pour stocker nos produits",
    "Une salle pour les répétitions du soir",
    "Un accompagnement juridique pour changer de statut",
    "Du temps de secrétariat partagé",
    "Un minibus pour les sorties des aînés",
]
COMMENTS = [
    "Nous manquons de temps pour monter des projets à plusieurs.",
    "Une réunion par trimestre entre acteurs serait utile.",
    "Très intéressés par une plateforme d'échange de matériel.",
    "La fermeture de la ligne de bus pénalise nos salariés.",
    "Contactez-moi directement : camille.roux@exemple.fr ou 06 12 34 56 78",
    '=HYPERLINK("http://exemple.invalid/","Cliquez ici")',
]
#: Free comments of the example, by the issue the respondent rates highest: what people
#: write in a rural diagnostic (fictional, written for the example).
PAROLES = {
    "mobilite": [
        "Sans voiture, impossible de venir travailler chez nous : le bus ne passe que deux fois par jour.",
        "Nos jeunes apprentis dépendent des parents pour venir le matin, faute de transport.",
        "Le transport à la demande existe mais il faut réserver la veille, ce n'est pas adapté.",
        "Un covoiturage organisé entre les entreprises de la zone nous aiderait beaucoup.",
    ],
    "emploi": [
        "Nous n'arrivons pas à recruter : deux postes ouverts depuis un an sans candidat.",
        "Un salarié partagé entre plusieurs structures nous permettrait d'embaucher à l'année.",
        "Les candidats viennent de loin et repartent vite, faute de logement et de transport.",
    ],
    "logement": [
        "Beaucoup de maisons vides au bourg, mais rien à louer pour un jeune couple.",
        "Le logement des apprentis et des saisonniers est un vrai frein à l'embauche.",
    ],
    "sante": [
        "On n'a plus de médecin sur la commune depuis 2019, les anciens font trente kilomètres pour consulter.",
        "Trouver un kiné ou un dentiste prend des mois, les délais découragent les familles.",
        "Une maison de santé partagée entre plusieurs communes serait la seule solution durable.",
    ],
    "commerce": [
        "Le dernier commerce du village a fermé, il faut tout faire à Mortagne.",
        "Un point multiservices avec dépôt de pain et relais colis ferait revivre le bourg.",
    ],
    "numerique": [
        "La fibre n'arrive toujours pas, nos ventes en ligne en souffrent.",
        "Beaucoup d'adhérents âgés ont besoin d'aide pour les démarches en ligne.",
    ],
    "agriculture": [
        "Trouver des terres pour installer un jeune maraîcher relève du parcours du combattant.",
        "La vente directe marche bien mais il manque un lieu de stockage commun.",
        "Mutualiser une chambre froide entre producteurs réduirait nos pertes.",
    ],
    "transition": [
        "Nous voulons réduire nos déchets mais la collecte des professionnels n'est pas organisée.",
        "Une filière bois locale pour le chauffage aurait du sens sur le territoire.",
    ],
    "jeunesse": [
        "Les jeunes partent après le lycée, il n'y a rien pour eux le soir ni le week-end.",
        "Un lieu pour les jeunes, avec des activités et un animateur, manque au canton.",
    ],
    "vieillissement": [
        "Les bénévoles vieillissent et personne ne prend la relève au bureau.",
        "Les personnes âgées isolées ont besoin de visites et de transport pour les courses.",
    ],
    "tourisme": [
        "Les randonneurs passent mais ne trouvent ni hébergement ni restaurant ouvert.",
        "Une offre commune entre hébergeurs et producteurs attirerait plus de visiteurs.",
    ],
}
#: share of the respondents without a comment who write one on their main concern
PAROLES_RATE = 0.4
FIRST = [
    "Camille",
    "Jeanne",
    "Louis",
    "Martine",
    "Hugo",
    "Sophie",
    "Bernard",
    "Nadia",
    "Thierry",
    "Élodie",
    "Marc",
    "Claire",
    "Yves",
    "Inès",
    "Gérard",
    "Léa",
]
LAST = [
    "Martin",
    "Lefèvre",
    "Roux",
    "Bernard",
    "Moreau",
    "Garnier",
    "Chevalier",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Perrin",
    "Morel",
    "Guérin",
    "Boucher",
    "Lemoine",
    "Renard",
]
NAME_STEMS = {
    "entreprise": ["Boulangerie", "Garage", "Menuiserie", "Épicerie", "Gîte", "Salon", "Ferme"],
    "association": ["Association", "Comité des fêtes", "Foyer rural", "Amicale", "Club"],
    "cooperative": ["Coopérative", "CUMA", "SCIC", "SCOP"],
    "collectivite": ["Mairie de"],
    "financeur": ["Fondation", "Caisse locale", "Fonds"],
}
# (commune written as the respondent typed it) -> left unresolved on purpose
UNRESOLVED = ["Bellême", "le Perche", "Mortagne-au-Perch"]

META = list(SUBMISSION_META)


def example_dir() -> Path:
    """Return the folder of the embedded example project (``data/example``)."""
    return Path(__file__).resolve().parents[2] / "data" / "example"


def example_project() -> Path:
    """Return the path of the example project file."""
    return example_dir() / PROJECT_FILE


def _load_communes(folder: Path) -> list[dict]:
    """The current communes of the example's EPCI (``geo/communes.json`` holds the Orne)."""
    members = {
        m["code"]
        for e in read_json(folder / "geo" / "epci.json")
        if e["code"] == EPCI_CODE
        for m in e["membres"]
    }
    return [
        c
        for c in read_json(folder / "geo" / "communes.json")
        if c["type"] == "commune-actuelle" and c["code"] in members
    ]


def _strip_accents(text: str) -> str:
    return strip_accents(text)


def _misspell(name: str, rng: random.Random) -> str:
    variants = [
        name.replace("-", " "),
        _strip_accents(name),
        name.replace("Saint-", "St ").replace("Sainte-", "Ste "),
        name.lower(),
        name.upper(),
        name.split(" ", 1)[1] if name.split(" ", 1)[0] in {"La", "Le", "Les"} else name + " ",
    ]
    return rng.choice(variants)


def _survey_rows() -> list[list]:
    rows = [
        ["start", "start", "", "", "", "", ""],
        ["end", "end", "", "", "", "", ""],
        ["begin_group", "identite", "Votre structure", "Your organisation", "", "", ""],
        [
            "text",
            "nom_structure",
            "Nom de votre structure",
            "Name of your organisation",
            "yes",
            "",
            "actor_name",
        ],
        [
            "text",
            "contact_nom",
            "Nom et prénom de la personne qui répond",
            "Respondent's name",
            "",
            "",
            "contact",
        ],
        ["text", "contact_email", "Adresse électronique", "Email address", "", "", "contact"],
        ["text", "telephone", "Téléphone", "Phone", "", "", "contact"],
        [
            "select_one types",
            "type_acteur",
            "Quel type de structure êtes-vous ?",
            "What kind of organisation are you?",
            "yes",
            "",
            "actor_type",
        ],
        ["select_one secteurs", "secteur", "Secteur d'activité", "Sector", "", "", "sector"],
        [
            "text",
            "commune",
            "Commune où se trouve votre structure",
            "Municipality of your organisation",
            "yes",
            "",
            "commune",
        ],
        ["end_group", "", "", "", "", "", ""],
        ["begin_group", "enjeux", "Les enjeux du territoire", "The territory's issues", "", "", ""],
    ]
    for iid, fr, en, _theme in ISSUES:
        rows.append(
            [
                "select_one importance",
                f"enjeu_{iid}",
                f"Importance pour votre structure : {fr}",
                f"Importance for your organisation: {en}",
                "",
                "",
                "issue_importance",
                _theme,
            ]
        )
    rows += [
        ["end_group", "", "", "", "", "", ""],
        ["begin_group", "ressources", "Besoins et ressources", "Needs and resources", "", "", ""],
        [
            "select_multiple ressources",
            "besoins",
            "De quelles ressources auriez-vous besoin ?",
            "Which resources do you need?",
            "",
            "",
            "need",
        ],
        [
            "text",
            "besoins_autre",
            "Autre besoin (précisez)",
            "Other need (specify)",
            "",
            "selected(${besoins}, 'autre')",
            "need",
        ],
        [
            "select_multiple ressources",
            "offres",
            "Quelles ressources pourriez-vous partager ?",
            "Which resources could you share?",
            "",
            "",
            "offer",
        ],
        [
            "text",
            "offres_autre",
            "Autre ressource (précisez)",
            "Other resource (specify)",
            "",
            "selected(${offres}, 'autre')",
            "offer",
        ],
        ["end_group", "", "", "", "", "", ""],
        ["begin_group", "cooperation", "Coopérer", "Cooperating", "", "", ""],
        [
            "select_one volonte",
            "volonte",
            "Seriez-vous prêt·e à coopérer avec d'autres acteurs du territoire ?",
            "Would you cooperate with other actors of the territory?",
            "yes",
            "",
            "cooperation",
        ],
        [
            "select_one accord",
            "accord_nom",
            "Acceptez-vous que le nom de votre structure soit montré aux autres participants "
            "du diagnostic ?",
            "Do you agree that your organisation's name be shown to the other participants "
            "of the diagnostic?",
            "",
            "",
            "consent",
        ],
        ["text", "commentaire", "Un commentaire ?", "Any comment?", "", "", "free_text"],
        ["end_group", "", "", "", "", "", ""],
    ]
    return rows


def _choice_rows() -> list[list]:
    rows = []
    for list_name, items in [
        ("types", [(v, fr, en) for v, fr, en, _n in ACTOR_TYPES]),
        ("secteurs", SECTORS),
        ("importance", IMPORTANCE),
        ("ressources", RESOURCES),
        ("volonte", WILLINGNESS),
        ("accord", CONSENT),
    ]:
        rows += [[list_name, v, fr, en] for v, fr, en in items]
    return rows


def _write_form(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(
        [
            "type",
            "name",
            "label::Français (fr)",
            "label::English (en)",
            "required",
            "relevant",
            "diagnostic",
            "theme",
        ]
    )
    for row in _survey_rows():
        ws.append(row)
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label::Français (fr)", "label::English (en)"])
    for row in _choice_rows():
        ch.append(row)
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(
        [
            "Diagnostic partagé — acteurs du Pays de Mortagne-au-Perche (fictif)",
            "diagnostic_mortagne",
            "2026-11",
            "Français (fr)",
        ]
    )
    save_workbook(wb, path, fixed_time=datetime(2026, 11, 1))


def _likert(rng: random.Random, mean: float) -> str:
    u = rng.random()
    if u < 0.04:
        return "nsp"
    if u < 0.07:
        return ""
    return str(min(5, max(1, round(rng.gauss(mean, 0.9)))))


NEED_WEIGHTS = {
    "entreprise": {
        "emploi_partage": 4,
        "competences": 3,
        "communication": 3,
        "locaux": 2,
        "numerique": 3,
        "achats": 2,
        "logistique": 2,
    },
    "association": {
        "locaux": 4,
        "benevoles": 4,
        "vehicules": 3,
        "financement": 4,
        "materiel": 3,
        "communication": 2,
    },
    "cooperative": {
        "logistique": 4,
        "circuits_courts": 4,
        "materiel": 3,
        "emploi_partage": 3,
        "energie": 2,
    },
    "collectivite": {
        "financement": 4,
        "competences": 3,
        "numerique": 2,
        "energie": 3,
        "formation": 2,
    },
    "financeur": {"communication": 2, "competences": 2},
}
OFFER_WEIGHTS = {
    "entreprise": {
        "materiel": 3,
        "competences": 3,
        "formation": 2,
        "circuits_courts": 2,
        "vehicules": 1,
    },
    "association": {"benevoles": 3, "communication": 2, "formation": 2, "competences": 1},
    "cooperative": {"materiel": 3, "achats": 3, "logistique": 2, "circuits_courts": 3},
    "collectivite": {"locaux": 4, "materiel": 2, "vehicules": 2, "communication": 2},
    "financeur": {"financement": 4, "competences": 2},
}


def _pick(rng: random.Random, weights: dict, k: int) -> list[str]:
    items = list(weights)
    chosen: list[str] = []
    while len(chosen) < min(k, len(items)):
        c = rng.choices(items, weights=[weights[i] for i in items])[0]
        if c not in chosen:
            chosen.append(c)
    return chosen


def _make_actors(rng: random.Random, communes: list[dict]) -> list[dict]:
    weights = [max(c["population"], 50) for c in communes]
    actors = []  # type: ignore[var-annotated]
    for atype, _fr, _en, count in ACTOR_TYPES:
        for _ in range(count):
            if atype == "collectivite":
                commune = communes[
                    len([a for a in actors if a["type"] == "collectivite"]) % len(communes)
                ]
            else:
                commune = rng.choices(communes, weights=weights)[0]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            stem = rng.choice(NAME_STEMS[atype])
            name = f"{stem} {commune['nom']}" if atype == "collectivite" else f"{stem} {last}"
            needs = _pick(rng, NEED_WEIGHTS[atype], rng.choice([1, 1, 2, 2, 3]))
            offers = _pick(rng, OFFER_WEIGHTS[atype], rng.choice([0, 1, 1, 2]))
            actors.append(
                {
                    "type": atype,
                    "name": name,
                    "contact": f"{first} {last}",
                    "email": f"{_strip_accents(first).lower()}.{_strip_accents(last).lower()}@exemple.fr",
                    "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "sector": rng.choice(TYPE_SECTORS[atype]),
                    "commune": commune["nom"],
                    "likert": {iid: _likert(rng, ISSUE_MEANS[iid][atype]) for iid, *_ in ISSUES},
                    "needs": needs,
                    "offers": offers,
                    "willing": rng.choices(["oui", "peut_etre", "non"], weights=[6, 3, 1])[0],
                    "comment": rng.choice(COMMENTS[:4]) if rng.random() < 0.2 else "",
                }
            )
    return actors


def _plant(actors: list[dict]) -> None:
    """Plant the cooperation cases the tests look for (names are fictional)."""
    by_type = {t: [a for a in actors if a["type"] == t] for t, *_ in ACTOR_TYPES}
    jardins, transport = by_type["association"][0], by_type["entreprise"][0]
    jardins.update(
        name="Association Les Jardins partagés du Perche",
        commune="Mortagne-au-Perche",
        needs=["vehicules"],
        offers=["benevoles"],
        willing="oui",
    )
    transport.update(
        name="Transports Perche Services",
        commune="Mortagne-au-Perche",
        needs=["benevoles"],
        offers=["vehicules"],
        willing="oui",
    )
    mairie, coop = by_type["collectivite"][0], by_type["cooperative"][0]
    mairie.update(offers=["locaux"], willing="oui")
    coop.update(
        name="CUMA des Collines", commune=mairie["commune"], needs=["locaux"], willing="oui"
    )
    refus = by_type["entreprise"][1]
    refus.update(name="Scierie du Refus", needs=["locaux"], offers=["materiel"], willing="non")
    autre = by_type["association"][1]
    autre.update(needs=["autre", "locaux"], other_need=OTHER_TEXTS[1])
    by_type["association"][2].update(comment=COMMENTS[4])
    by_type["entreprise"][2].update(comment=COMMENTS[5])
    for actor, written in zip(by_type["entreprise"][3:6], UNRESOLVED):
        actor["commune"] = written
    for actor in by_type["association"][3:5]:
        actor["commune"] = ""


def _consent(actors: list[dict]) -> None:
    """Who agrees to be named: drawn from a generator of its own, so that every other answer
    of the example stays as it was; the planted cases are fixed."""
    rng = random.Random(SEED + 15)
    for actor in actors:
        actor["consent"] = rng.choices(["oui", "non", ""], weights=[6, 3, 1])[0]
    by_name = {a["name"]: a for a in actors}
    for name, consent in (
        ("Association Les Jardins partagés du Perche", "oui"),
        ("Transports Perche Services", "oui"),
        ("CUMA des Collines", "non"),
        ("Scierie du Refus", "non"),
    ):
        by_name[name]["consent"] = consent


def _export_rows(actors: list[dict], rng: random.Random) -> tuple[list[str], list[list]]:
    resources = [v for v, *_ in RESOURCES]
    header = [
        "start",
        "end",
        "identite/nom_structure",
        "identite/contact_nom",
        "identite/contact_email",
        "identite/telephone",
        "identite/type_acteur",
        "identite/secteur",
        "identite/commune",
    ]
    header += [f"enjeux/enjeu_{iid}" for iid, *_ in ISSUES]
    header += ["ressources/besoins"] + [f"ressources/besoins/{r}" for r in resources]
    header += ["ressources/besoins_autre", "ressources/offres"]
    header += [f"ressources/offres/{r}" for r in resources] + ["ressources/offres_autre"]
    header += ["cooperation/volonte", "cooperation/accord_nom", "cooperation/commentaire"] + META
    rows = []
    t0 = datetime(2026, 9, 7, 9, 0)
    for i, a in enumerate(actors):
        start = t0 + timedelta(minutes=97 * i + rng.randint(0, 60))
        uuid = "%08x-%04x-4%03x-a%03x-%012x" % (  # noqa: UP031 (byte-identical example)
            rng.getrandbits(32),
            rng.getrandbits(16),
            rng.getrandbits(12),
            rng.getrandbits(12),
            rng.getrandbits(48),
        )
        row = [
            start.isoformat(timespec="seconds") + "+02:00",
            (start + timedelta(minutes=rng.randint(6, 25))).isoformat(timespec="seconds")
            + "+02:00",
            a["name"],
            a["contact"],
            a["email"],
            a["phone"],
            a["type"],
            a["sector"],
            a["commune"],
        ]
        row += [a["likert"][iid] for iid, *_ in ISSUES]
        row += [" ".join(a["needs"])] + [int(r in a["needs"]) for r in resources]
        row += [a.get("other_need", ""), " ".join(a["offers"])]
        row += [int(r in a["offers"]) for r in resources] + [""]
        row += [a["willing"], a.get("consent", ""), a["comment"]]
        row += [
            310_000 + i,
            uuid,
            (start + timedelta(hours=2)).isoformat(timespec="seconds"),
            "",
            "[]",
            "submitted_via_web",
            "",
            "vX5mortagne",
            "[]",
            i + 1,
        ]
        rows.append(row)
    # A re-sent submission (same _uuid) and an empty one: real exports have both.
    dup = list(rows[17])
    dup[header.index("_id")], dup[header.index("_index")] = 310_000 + len(rows), len(rows) + 1
    rows.append(dup)
    empty = ["" for _ in header]
    empty[:2] = rows[-1][:2]
    empty[-len(META) :] = [
        310_000 + len(rows),  # type: ignore[list-item]
        "%032x" % rng.getrandbits(128),  # noqa: UP031
        "2026-10-02T18:00:00",
        "",
        "[]",
        "submitted_via_web",
        "",
        "vX5mortagne",
        "[]",
        len(rows) + 1,  # type: ignore[list-item]
    ]
    rows.append(empty)
    return header, rows


def _write_export(path: Path, header: list[str], rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Diagnostic partagé — acteurs"[:31]
    ws.append(header)
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for line in ws.iter_rows(min_row=2):
        for cell in line:  # answers are text, even when a respondent typed "=…"
            if cell.data_type == "f":
                cell.data_type = "s"
    save_workbook(wb, path, fixed_time=datetime(2026, 11, 1))


PROJECT_TOML = """# Projet d'exemple : territoire réel, enquête FICTIVE (acteurs et réponses inventés).
# Les indicateurs (INSEE) et les contours (IGN/INSEE) sont réels ; l'atelier est fictif.
title = "Diagnostic partagé — CC du Pays de Mortagne-au-Perche (exemple fictif)"
language = "fr"
territory = ["200036069"]

[[survey]]
responses = "{export}"
form = "{form}"

[geography]
communes = "geo/communes.json"
epci = "geo/epci.json"
boundaries = "{contours}"
departements = "geo/departements.json"
regions = "geo/regions.json"

[[indicators]]
file = "{comparateur}"

[[indicators]]
file = "{density}"

[[indicators]]
file = "{ages}"

[[indicators]]
file = "{references}"

[[indicators]]
file = "{apl}"

[[indicators]]
file = "{apl_references}"

[issue_indicators]
enjeu_emploi = "taux_chomage"
enjeu_logement = "part_logements_vacants"
enjeu_vieillissement = {{ indicator = "part_pop_1564", worse_when = "lower" }}
enjeu_sante = "apl_medecins_generalistes"
{workshop}
[settings]
min_group_size = 5
"""
WORKSHOP_TOML = """
[workshop]
votes = "{votes}"
opportunities = "{statuses}"
projects = "{decisions}"
"""
VOTES_FILE = "atelier/votes.csv"
STATUSES_FILE = "atelier/statuts_pistes.csv"
#: The fictional workshop's leanings: dots drawn with these weights by issue (the survey's
#: first issue loses ground, youth and the energy transition gain some).
VOTE_WEIGHTS = {
    "mobilite": 3,
    "emploi": 4,
    "logement": 3,
    "sante": 5,
    "commerce": 2,
    "numerique": 1,
    "agriculture": 2,
    "transition": 4,
    "jeunesse": 5,
    "vieillissement": 2,
    "tourisme": 1,
}
WORKSHOP_TYPES = ["entreprise", "association", "cooperative", "collectivite", "financeur"]


def _project_text(workshop: bool) -> str:
    block = (
        WORKSHOP_TOML.format(votes=VOTES_FILE, statuses=STATUSES_FILE, decisions=DECISIONS_FILE)
        if workshop
        else ""
    )
    return PROJECT_TOML.format(
        export=EXPORT_FILE,
        form=FORM_FILE,
        contours=CONTOURS_FILE,
        comparateur=COMPARATEUR_FILE,
        density=DENSITY_FILE,
        ages=AGES_FILE,
        references=REFERENCES_FILE,
        apl=APL_FILE,
        apl_references=APL_REFERENCES_FILE,
        workshop=block,
    )


def _csv(rows: list[list]) -> str:
    """Rows as CSV text (comma, quotes where needed, LF)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _votes_text(rng: random.Random) -> str:
    """Fourteen fictional participants, three to five dots each, spread over the issues."""
    labels = {code: fr for code, fr, *_rest in ISSUES}
    codes, weights = list(VOTE_WEIGHTS), list(VOTE_WEIGHTS.values())
    rows: list[list] = [["participant", "type d'acteur", "item_id", "element", "gommettes"]]
    for i in range(1, 15):
        dots: dict[str, int] = {}
        for code in rng.choices(codes, weights, k=rng.randint(3, 5)):
            dots[code] = dots.get(code, 0) + 1
        kind = WORKSHOP_TYPES[(i - 1) % len(WORKSHOP_TYPES)]
        for code in codes:
            if code in dots:
                rows.append(
                    [f"participant {i:02d}", kind, f"enjeu_{code}", labels[code], dots[code]]
                )
    return _csv(rows)


def _workshop_files(project: Path, rng: random.Random) -> None:
    """The fictional workshop's votes, and its decisions on the run's leads and projects.

    The leads and projects are those the diagnostic finds in the example (without the
    workshop); a few are decided, as a workshop would: the best leads validated, two set
    aside, three projects given a status, a carrier and a next step.
    """
    from diagnostic.project.file import read_project
    from diagnostic.project.run import run_diagnostic

    folder = project.parent
    write_text(folder / VOTES_FILE, _votes_text(rng))
    result = run_diagnostic(read_project(project))
    leads = result.opportunities.sort_values(
        ["score", "kind", "actors", "category"], ascending=[False, True, True, True]
    )
    rows = [["kind", "actors", "category", "status"]]
    for i, lead in enumerate(leads.head(8).itertuples()):
        rows.append([lead.kind, lead.actors, lead.category, "écarté" if i in (3, 6) else "validé"])
    write_text(folder / STATUSES_FILE, _csv(rows))
    projects = result.cooperation_projects.sort_values(["score", "project_id"], ascending=False)
    decided = [
        ("en cours", "CC du Pays de Mortagne-au-Perche", "Première réunion des membres en mars"),
        ("validé", "Une association membre (à désigner)", "Recenser les besoins précis"),
        ("écarté", "", "Reporté : trop peu de structures disponibles cette année"),
    ]
    rows = [["project_id", "title", "resources", "members", "status", "carrier", "next_step"]]
    for p, (status, carrier, step) in zip(projects.head(3).itertuples(), decided):
        rows.append([p.project_id, p.title, p.resources, p.members, status, carrier, step])
    write_text(folder / DECISIONS_FILE, _csv(rows))


def _paroles(actors: list[dict], rng: random.Random) -> None:
    """Give some respondents without a comment one about the issue they rate highest."""
    for actor in actors:
        if actor["comment"] or rng.random() >= PAROLES_RATE:
            continue
        rated = {i: int(v) for i, v in actor["likert"].items() if v.isdigit()}
        if not rated:
            continue
        top = max(rated.values())
        issue = rng.choice(sorted(i for i, v in rated.items() if v == top))
        actor["comment"] = rng.choice(PAROLES[issue])


def write_example(folder: Path | None = None) -> Path:
    """(Re)generate the example survey and workshop files in `folder` (default:
    ``data/example``).

    The territory and indicator files (``geo/``, ``insee/``, see `extract_example_data`) are
    read, never written. The workshop (votes, decided leads and projects, ``atelier/``) is
    fictional, drawn from the diagnostic of the generated survey. Returns the project file
    path.
    """
    folder = Path(folder) if folder else example_dir()
    rng = random.Random(SEED)
    actors = _make_actors(rng, _load_communes(folder))
    _plant(actors)
    _consent(actors)
    _paroles(actors, random.Random(SEED + 2))  # its own draws: the answers stay the same
    for actor in actors:
        if actor["commune"] and actor["commune"] not in UNRESOLVED and rng.random() < 0.3:
            actor["commune"] = _misspell(actor["commune"], rng)
    header, rows = _export_rows(actors, rng)
    _write_form(folder / FORM_FILE)
    _write_export(folder / EXPORT_FILE, header, rows)
    write_text(folder / SECRET_FILE, EXAMPLE_SECRET)
    project = folder / PROJECT_FILE
    write_text(project, _project_text(workshop=False))
    (folder / "atelier").mkdir(exist_ok=True)
    _workshop_files(project, random.Random(SEED + 1))
    write_text(project, _project_text(workshop=True))
    return project


# --- Real public data of the example: INSEE indicators, geography, contours -------------------
#
# Rebuilt from the project's collection of public files (``../shared/data`` beside the
# repository, described in its SOURCES.md) by `extract_example_data`; nothing is invented.

EPCI_CODE = "200036069"
NORMANDIE = ("14", "27", "50", "61", "76")
COMPARATEUR_FILE = "insee/base_cc_comparateur_orne.csv"
DENSITY_FILE = "insee/grille_densite_normandie.xlsx"
#: age groups and pharmacies of the Orne's communes, from INSEE's dossier complet
AGES_FILE = "insee/ages_pharmacies_orne.csv"
AGES_COLUMNS = ("CODGEO", *AGE_GROUPS, "BPE_2024_D307")
CONTOURS_FILE = "geo/contours_communes.geojson"
#: Normandie and France references published for the whole area (a `territory.references`
#: file): what the example's communes cannot give by summing
REFERENCES_FILE = "insee/references_normandie_france.csv"
NORMANDIE_CODE = "28"
#: DREES's APL to general practitioners, 2023: the sheet's rows of the five Normandie
#: départements (so that Normandie is summed), and France's sums (a references file)
APL_FILE = "drees/apl_generalistes_normandie.xlsx"
APL_SHEET = "APL 2023"
APL_REFERENCES_FILE = "drees/references_apl_france.csv"
#: Douglas-Peucker tolerance (degrees, about 100 m) of the contours, shared edges kept.
CONTOUR_TOLERANCE = 0.001
_SHARED = {
    "communes": "geo/etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json",
    "epci": "geo/etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json",
    "contours": "geo/gregoiredavid_communes-61-orne.geojson",
    "departements": "geo/etalab_decoupage-administratif_6.0.0_departements.json",
    "regions": "geo/etalab_decoupage-administratif_6.0.0_regions.json",
    "comparateur": "indicators/insee_base_cc_comparateur_dep61_extract.csv",
    "density": "indicators/insee_grille_densite_niveau_detaille_2022.xlsx",
    "populations": "indicators/insee_populations_legales_2025_ensemble.xlsx",
}


def shared_data_dir() -> Path:
    """The collection of public data files beside the repository (``../shared/data``)."""
    return example_dir().parents[2] / "shared" / "data"


def _json_lines(text: str, keep) -> str:
    """Keep the objects of a one-object-per-line JSON array for which `keep(obj)` is true,
    each line unchanged."""
    import json

    lines = [line.rstrip(",") for line in text.splitlines() if line.startswith("{")]
    kept = [line for line in lines if keep(json.loads(line))]
    return "[\n" + ",\n".join(kept) + "\n]\n"


def extract_example_data(
    shared: Path | None = None,
    folder: Path | None = None,
    dossier_complet: Path | None = None,
    apl: Path | None = None,
) -> list[Path]:
    """Rebuild the example's public data from the shared collection of INSEE/Etalab files.

    - ``geo/communes.json``, ``geo/epci.json``: every commune of the Orne (current,
      delegated, associated) and every EPCI with a member in the Orne, Etalab's lines
      unchanged, so that the département is a full reference;
    - ``insee/base_cc_comparateur_orne.csv``: INSEE's comparateur de territoires, the
      385 Orne lines unchanged (géographie 2025);
    - ``insee/grille_densite_normandie.xlsx``: the grille communale de densité, rows of the
      five Normandie départements, same header and cells (géographie 2022);
    - ``geo/contours_communes.geojson``: the 33 communes' contours (IGN/INSEE 2018 vintage),
      simplified with shapely's coverage simplification (shared edges stay shared);
    - ``insee/references_normandie_france.csv``: Normandie's and France's population 2022
      (populations légales 2025) and France's population in very sparsely populated
      communes (the national grille de densité), published for the whole area (see
      `_references`), since the example holds neither every Normandie commune of the
      comparateur nor every French one;
    - ``insee/ages_pharmacies_orne.csv``, only when `dossier_complet` is given (the
      8 columns ``AGES_COLUMNS`` of the Orne's lines of a national ``CODGEO`` file such as
      ``dossier_complet_light.csv``, 12 MB, which is not in the shared collection): the
      committed file is otherwise left as it is;
    - ``drees/apl_generalistes_normandie.xlsx`` and ``drees/references_apl_france.csv``,
      only when `apl` is given (DREES's national APL workbook, 3.8 MB, not in the shared
      collection): the « APL 2023 » sheet's title rows and the rows of the five Normandie
      départements, cells unchanged; and France's sums of APL × standardised population
      and of standardised population (see `_apl_extract`).

    Returns the paths written.
    """

    from diagnostic._io.sheets import read_raw
    from diagnostic._io.text import read_text

    shared = Path(shared) if shared else shared_data_dir()
    folder = Path(folder) if folder else example_dir()
    (folder / "insee").mkdir(parents=True, exist_ok=True)
    written = []
    communes = folder / "geo" / "communes.json"
    write_text(
        communes,
        _json_lines(
            read_text(shared / _SHARED["communes"], utf8_only=True),
            lambda c: c["departement"] == "61" or str(c.get("chefLieu", "")).startswith("61"),
        ),
    )
    written.append(communes)
    epci = folder / "geo" / "epci.json"
    write_text(
        epci,
        _json_lines(
            read_text(shared / _SHARED["epci"], utf8_only=True),
            lambda e: any(m["code"].startswith("61") for m in e["membres"]),
        ),
    )
    written.append(epci)
    for name in ("departements", "regions"):  # the references' names (Orne, Normandie)
        names = folder / "geo" / f"{name}.json"
        write_text(names, read_text(shared / _SHARED[name], utf8_only=True))
        written.append(names)
    raw = read_text(shared / _SHARED["comparateur"], utf8_only=True).splitlines()
    comparateur = folder / COMPARATEUR_FILE
    write_text(comparateur, "\n".join([raw[0]] + [r for r in raw[1:] if r[:2] == "61"]) + "\n")
    written.append(comparateur)
    rows = read_raw(shared / _SHARED["density"], "grille_4_nivDetaille")
    wb = Workbook()
    ws = wb.active
    ws.title = "grille_4_nivDetaille"
    ws.append(rows[0])
    for row in rows[1:]:
        if str(row[0])[:2] in NORMANDIE:
            ws.append(row)
    density = folder / DENSITY_FILE
    save_workbook(wb, density, fixed_time=datetime(2026, 11, 1))
    written.append(density)
    members = {
        m["code"]
        for e in read_json(folder / "geo" / "epci.json")
        if e["code"] == EPCI_CODE
        for m in e["membres"]
    }
    contours = folder / CONTOURS_FILE
    write_text(contours, _simplified_contours(read_json(shared / _SHARED["contours"]), members))
    written.append(contours)
    references = folder / REFERENCES_FILE
    write_text(
        references,
        _references(
            read_raw(shared / _SHARED["populations"], "Régions"),
            rows,
            _SHARED["populations"].rsplit("/", 1)[1],
        ),
    )
    written.append(references)
    if dossier_complet is not None:
        ages = folder / AGES_FILE
        write_text(ages, _orne_columns(read_text(Path(dossier_complet)), AGES_COLUMNS))
        written.append(ages)
    if apl is not None:
        written += _apl_extract(read_raw(Path(apl), APL_SHEET), folder)
    return written


def _apl_extract(rows: list[list], folder: Path) -> list[Path]:
    """The example's APL workbook (Normandie's rows) and France's references, from the
    cells of the national « APL 2023 » sheet."""
    from diagnostic.territory.aggregate import FRANCE, departement_of
    from diagnostic.territory.indicators import APL_ALL, APL_CODE, APL_STANDARD, APL_UNDER_65

    header = next((i for i, r in enumerate(rows[:30]) if r and r[0] == APL_CODE), None)
    if header is None:
        raise DiagnosticError(
            f"feuille « {APL_SHEET} » : en-tête « {APL_CODE} » introuvable "
            "(attendu le fichier de l'APL aux médecins généralistes de la Drees).",
            file="APL",
        )
    names = [str(c) for c in rows[header]]
    apl_at, apl65_at = names.index(APL_ALL), names.index(APL_UNDER_65)
    pop_at = next(i for i, c in enumerate(names) if c.startswith(APL_STANDARD))
    body = [r for r in rows[header + 2 :] if r and str(r[0]).strip()]
    wb = Workbook()
    ws = wb.active
    ws.title = APL_SHEET
    for row in rows[: header + 2]:  # titles, sources, notes, header, units
        ws.append([None if c == "" else c for c in row])
    for row in body:
        if departement_of(str(row[0])) in NORMANDIE:
            ws.append(row)
    workbook = folder / APL_FILE
    workbook.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, workbook, fixed_time=datetime(2026, 11, 1))
    france = [r for r in body if departement_of(str(r[0])) in FRANCE]
    population = sum(float(r[pop_at]) for r in france)
    lines = ["niveau;code;indicateur;annee;numerateur;denominateur;source"]
    for code, at in (
        ("apl_medecins_generalistes", apl_at),
        ("apl_medecins_generalistes_65", apl65_at),
    ):
        weighted = sum(float(r[at]) * float(r[pop_at]) for r in france)
        lines.append(
            f"France;FR;{code};2023;{weighted!r};{population!r};Drees, APL aux médecins "
            "généralistes 2023, fichier national (APL × population standardisée)"
        )
    references = folder / APL_REFERENCES_FILE
    write_text(references, "\n".join(lines) + "\n")
    return [workbook, references]


def _references(regions: list[list], grid: list[list], populations: str) -> str:
    """The references file of Normandie and France (see `territory.references`).

    - population municipale 2022 of Normandie and of France (the sum of its régions: France
      hors Mayotte, as in the census), from the « Régions » sheet of INSEE's populations
      légales 2025 (`regions`: its cells);
    - population in very sparsely populated communes, France: summed over every commune of
      the national grille de densité (`grid`: its cells, header first) outside Mayotte, with
      the same formula as the communes' (share × population municipale 2018).
    """
    from diagnostic.territory.aggregate import FRANCE, departement_of

    header = next(i for i, r in enumerate(regions) if r and r[0] == "Code région")
    column = regions[header].index("Population municipale")
    rows = [r for r in regions[header + 1 :] if r and str(r[0]).strip()]
    population = {str(r[0]): int(r[column]) for r in rows}
    titles = " ".join(str(c) for r in regions[:header] for c in r if c)
    year = 2022 if "1er janvier 2022" in titles else None
    if year is None:
        raise DiagnosticError(
            "populations légales : date de référence 1er janvier 2022 introuvable.",
            file=populations,
        )
    names = [str(c) for c in grid[0]]
    pop_at = next(i for i, c in enumerate(names) if c.strip().lower().startswith("population"))
    sparse_at = next(i for i, c in enumerate(names) if "(4)" in c)
    sparse = total = 0.0
    for r in grid[1:]:
        if departement_of(str(r[0]).strip()) in FRANCE:
            pop = float(r[pop_at])
            total += pop
            sparse += float(r[sparse_at]) * pop
    source_pop = "Insee, populations légales 2025 (RP 2022), ensemble.xlsx, feuille Régions"
    source_grid = "Insee, grille communale de densité 2022, fichier national"
    lines = [
        "niveau;code;indicateur;annee;numerateur;denominateur;source",
        f"région;{NORMANDIE_CODE};P22_POP;{year};{population[NORMANDIE_CODE]};;{source_pop}",
        f"France;FR;P22_POP;{year};{sum(population.values())};;{source_pop}",
        f"France;FR;part_pop_tres_peu_dense;2022;{sparse!r};{total!r};{source_grid}",
    ]
    return "\n".join(lines) + "\n"


def _orne_columns(text: str, columns: tuple[str, ...]) -> str:
    """The Orne's lines (code 61…) of a ``;`` file, reduced to `columns`, fields unchanged."""
    lines = text.splitlines()
    header = lines[0].lstrip("\ufeff").split(";")
    missing = [c for c in columns if c not in header]
    if missing:
        raise DiagnosticError(
            f"colonnes introuvables : {', '.join(missing)} (attendu le dossier complet de "
            "l'Insee, séparateur « ; »).",
            file="dossier complet",
        )
    at = [header.index(c) for c in columns]
    rows = [line.split(";") for line in lines[1:] if line.startswith("61")]
    kept = [list(columns)] + [[r[i] for i in at] for r in rows]
    return "\n".join(";".join(fields) for fields in kept) + "\n"


def _simplified_contours(geojson: dict, codes: set[str]) -> str:
    """The features of `codes`, simplified together (one feature per line, 5 decimals)."""
    import json

    import shapely

    features = [f for f in geojson["features"] if f["properties"]["code"] in codes]
    features.sort(key=lambda f: f["properties"]["code"])
    shapes = shapely.coverage_simplify(
        [shapely.geometry.shape(f["geometry"]) for f in features], CONTOUR_TOLERANCE
    )
    lines = []
    for feature, shape in zip(features, shapes):
        geometry = json.loads(shapely.to_geojson(shapely.set_precision(shape, 0.00001)))
        item = {"type": "Feature", "properties": feature["properties"], "geometry": geometry}
        lines.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
