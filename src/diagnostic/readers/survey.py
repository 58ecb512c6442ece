"""The Survey: the tables every reader returns, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from diagnostic.anomalies import RowAccount


@dataclass(frozen=True)
class Survey:
    """One questionnaire's responses, as the tables of DESIGN.md.

    `actors`, `answers`, `asked`, `needs`, `offers` hold no personal data; names, emails
    and phone numbers live only in `personal`. `repeats` counts the rows of each repeat
    group's table; their answers are in `answers` (with an ``instance``), and each table has
    its own row account in `repeat_accounts`.
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
    repeat_accounts: tuple[RowAccount, ...] = field(default=())
    #: ``column_map``: which question each header of the export holds, and how it was
    #: recognised (None when the reader does not say)
    columns: pd.DataFrame | None = None
