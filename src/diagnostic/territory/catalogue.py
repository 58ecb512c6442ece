"""What each indicator is and how it aggregates: counts add up, rates are recomputed.

Kinds:

- ``sum``: a count (inhabitants, dwellings, establishments); an area's value is the sum.
- ``ratio``: ``numerator / denominator × scale``; an area's value is recomputed from the
  summed numerators and denominators, never by averaging communes' rates.
- ``published``: not additive (a median, a poverty rate without its base, a class);
  taken at the level where INSEE publishes it, unavailable for aggregates.

``worse_when`` says which direction is unfavourable to a territory (``"higher"``: more
unemployment is worse; ``"lower"``: a lower median income is worse), where it is not a
matter of opinion; the regard croisé needs it to read a gap as a difficulty.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    label: str
    kind: str = "sum"  # sum | ratio | published
    numerator: tuple[str, ...] = ()  # columns added (a leading "-" subtracts)
    denominator: str | None = None
    scale: float = 100.0
    worse_when: str | None = None  # "higher" | "lower" | None (no agreed direction)


_COUNTS = {
    "P22_POP": "Population municipale 2022",
    "P16_POP": "Population municipale 2016",
    "SUPERF": "Superficie (km²)",
    "NAIS1621": "Naissances 2016-2021",
    "DECE1621": "Décès 2016-2021",
    "P22_MEN": "Ménages 2022",
    "NAISD24": "Naissances 2024",
    "DECESD24": "Décès 2024",
    "P22_LOG": "Logements 2022",
    "P22_RP": "Résidences principales 2022",
    "P22_RSECOCC": "Résidences secondaires 2022",
    "P22_LOGVAC": "Logements vacants 2022",
    "P22_RP_PROP": "Résidences principales occupées par leur propriétaire 2022",
    "NBMENFISC21": "Ménages fiscaux 2021",
    "P22_EMPLT": "Emplois au lieu de travail 2022",
    "P22_EMPLT_SAL": "Emplois salariés 2022",
    "P16_EMPLT": "Emplois 2016",
    "P22_POP1564": "Population de 15 à 64 ans 2022",
    "P22_CHOM1564": "Chômeurs de 15 à 64 ans 2022",
    "P22_ACT1564": "Actifs de 15 à 64 ans 2022",
    "ETTOT24": "Établissements actifs 2024",
    "ETAZ24": "Établissements agriculture 2024",
    "ETBE24": "Établissements industrie 2024",
    "ETFZ24": "Établissements construction 2024",
    "ETGU24": "Établissements commerce, transports, services 2024",
    "ETOQ24": "Établissements administration, enseignement, santé 2024",
    "ETTEF124": "Établissements de 1 à 9 salariés 2024",
    "ETTEFP1024": "Établissements de 10 salariés ou plus 2024",
    "P22_POP0014": "Population de 0 à 14 ans 2022",
    "P22_POP1529": "Population de 15 à 29 ans 2022",
    "P22_POP3044": "Population de 30 à 44 ans 2022",
    "P22_POP4559": "Population de 45 à 59 ans 2022",
    "P22_POP6074": "Population de 60 à 74 ans 2022",
    "P22_POP7589": "Population de 75 à 89 ans 2022",
    "P22_POP90P": "Population de 90 ans ou plus 2022",
    "BPE_2024_D307": "Pharmacies 2024 (base permanente des équipements)",
    "PMUN": "Population municipale",
    "PCAP": "Population comptée à part",
    "PTOT": "Population totale",
}

INDICATORS: dict[str, Indicator] = {code: Indicator(label) for code, label in _COUNTS.items()}
INDICATORS.update(
    {
        "PIMP21": Indicator(
            "Part des ménages fiscaux imposés 2021 (%)",
            "ratio",
            ("PIMP21_NUM",),
            "NBMENFISC21",
            worse_when="lower",
        ),
        "MED21": Indicator(
            "Revenu disponible médian par unité de consommation 2021 (€)",
            "published",
            worse_when="lower",
        ),
        "TP6021": Indicator(
            "Taux de pauvreté au seuil de 60 % 2021 (%)", "published", worse_when="higher"
        ),
        "densite_population": Indicator(
            "Densité de population 2022 (hab./km²)", "ratio", ("P22_POP",), "SUPERF", 1.0
        ),
        "evolution_population": Indicator(
            "Évolution de la population 2016-2022 (%)",
            "ratio",
            ("P22_POP", "-P16_POP"),
            "P16_POP",
            worse_when="lower",
        ),
        "part_pop_1564": Indicator(
            "Part des 15-64 ans dans la population 2022 (%)", "ratio", ("P22_POP1564",), "P22_POP"
        ),
        "part_pop_0014": Indicator(
            "Part des moins de 15 ans dans la population 2022 (%)",
            "ratio",
            ("P22_POP0014",),
            "P22_POP_AGES",
        ),
        "part_pop_75p": Indicator(
            "Part des 75 ans ou plus dans la population 2022 (%)",
            "ratio",
            ("P22_POP7589", "P22_POP90P"),
            "P22_POP_AGES",
        ),
        "pharmacies_10000": Indicator(
            "Pharmacies pour 10 000 habitants 2024",
            "ratio",
            ("BPE_2024_D307",),
            "P22_POP_AGES",
            10_000.0,
            worse_when="lower",
        ),
        # DREES's APL: a commune's APL weighted by its standardised population, as DREES
        # prescribes for an area (the reader writes the products APL × population)
        "apl_medecins_generalistes": Indicator(
            "Accessibilité potentielle localisée aux médecins généralistes "
            "(consultations par an et par habitant)",
            "ratio",
            ("APL_MG_POND",),
            "POP_STD_MG",
            1.0,
            worse_when="lower",
        ),
        "apl_medecins_generalistes_65": Indicator(
            "Accessibilité potentielle localisée aux médecins généralistes de moins de 65 ans "
            "(consultations par an et par habitant)",
            "ratio",
            ("APL_MG65_POND",),
            "POP_STD_MG",
            1.0,
            worse_when="lower",
        ),
        "taux_chomage": Indicator(
            "Taux de chômage des 15-64 ans 2022 (%)",
            "ratio",
            ("P22_CHOM1564",),
            "P22_ACT1564",
            worse_when="higher",
        ),
        "part_logements_vacants": Indicator(
            "Part des logements vacants 2022 (%)",
            "ratio",
            ("P22_LOGVAC",),
            "P22_LOG",
            worse_when="higher",
        ),
        "part_residences_secondaires": Indicator(
            "Part des résidences secondaires 2022 (%)", "ratio", ("P22_RSECOCC",), "P22_LOG"
        ),
        "part_proprietaires": Indicator(
            "Part des ménages propriétaires 2022 (%)", "ratio", ("P22_RP_PROP",), "P22_RP"
        ),
        "part_emploi_salarie": Indicator(
            "Part des emplois salariés 2022 (%)", "ratio", ("P22_EMPLT_SAL",), "P22_EMPLT"
        ),
        "evolution_emploi": Indicator(
            "Évolution de l'emploi 2016-2022 (%)",
            "ratio",
            ("P22_EMPLT", "-P16_EMPLT"),
            "P16_EMPLT",
            worse_when="lower",
        ),
        "degre_densite": Indicator("Degré de densité (grille communale, 1 à 4)", "published"),
        "part_pop_dense": Indicator(
            "Population vivant en zone dense (%)", "ratio", ("PDENSE1",), "PMUN_GRILLE"
        ),
        "part_pop_intermediaire": Indicator(
            "Population vivant en zone intermédiaire (%)", "ratio", ("PDENSE2",), "PMUN_GRILLE"
        ),
        "part_pop_peu_dense": Indicator(
            "Population vivant en zone peu dense (%)", "ratio", ("PDENSE3",), "PMUN_GRILLE"
        ),
        "part_pop_tres_peu_dense": Indicator(
            "Population vivant en zone très peu dense (%)", "ratio", ("PDENSE4",), "PMUN_GRILLE"
        ),
    }
)

#: Density levels of INSEE's grille communale de densité.
DENSITY_CLASSES = {"1": "dense", "2": "intermédiaire", "3": "peu dense", "4": "très peu dense"}

#: Indicators compared in the `context` table, in reading order.
HEADLINE = [
    "P22_POP",
    "PMUN",
    "densite_population",
    "evolution_population",
    "part_pop_1564",
    "part_pop_0014",
    "part_pop_75p",
    "taux_chomage",
    "part_logements_vacants",
    "part_residences_secondaires",
    "part_proprietaires",
    "PIMP21",
    "MED21",
    "TP6021",
    "ETTOT24",
    "evolution_emploi",
    "part_pop_tres_peu_dense",
    "pharmacies_10000",
    "apl_medecins_generalistes",
    "apl_medecins_generalistes_65",
]

#: Age groups of the census (dossier complet): their sum is the population they share.
AGE_GROUPS = (
    "P22_POP0014",
    "P22_POP1529",
    "P22_POP3044",
    "P22_POP4559",
    "P22_POP6074",
    "P22_POP7589",
    "P22_POP90P",
)


def indicator(code: str) -> Indicator:
    """The definition of `code`; unknown indicators are treated as non-additive."""
    return INDICATORS.get(code, Indicator(code, "published"))
