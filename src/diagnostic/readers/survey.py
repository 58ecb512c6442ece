"""The Survey: the tables every reader returns, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from diagnostic.anomalies import RowAccount


@dataclass(frozen=True)
class Survey:
    """One questionnaire's responses, as the tables of DESIGN.md.

    `actors`, `answers`, `asked`, `needs`, `offers` hold no personal data; names, emails
    and phone numbers live only in `personal`.
    """

    format: str
    file: str
    questions: pd.DataFrame
    choices: pd.DataFrame
    actors: pd.DataFrame
    personal: pd.DataFrame
    answers: pd.DataFrame
    asked: pd.DataFrame
    needs: pd.DataFrame
    offers: pd.DataFrame
    anomalies: pd.DataFrame
    account: RowAccount
    repeats: dict
