"""Plotly figure builders: DataFrame in, Figure out, no widgets."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

PALETTE = ["#1F4E5F", "#2A9D8F", "#E9C46A", "#F4A261", "#E76F51", "#6D597A", "#8AB17D"]
TAG_COLOURS = {"transversal": "#2A9D8F", "spécifique à un groupe": "#E9C46A",
               "clivant": "#E76F51", "peu partagé": "#A8A8A8"}


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 18}}, height=height, template="plotly_white",
        margin={"l": 10, "r": 20, "t": 60, "b": 40}, font={"family": "Source Sans Pro, Arial", "size": 13},
        separators=", ",
    )
    return fig


def plot_issue_ranking(ranking: pd.DataFrame, title: str = "Enjeux communs") -> go.Figure:
    """Horizontal bars of support with the Wilson interval, coloured by profile.

    Parameters
    ----------
    ranking : DataFrame
        The `issue_ranking` table.
    """
    r = ranking.sort_values("rank", ascending=False)
    support = r["support"].astype(float)
    fig = go.Figure(go.Bar(
        x=support, y=r["label"], orientation="h",
        marker_color=[TAG_COLOURS.get(t, PALETTE[0]) for t in r["tag"]],
        error_x={"type": "data", "symmetric": False,
                 "array": (r["support_ci_high"].astype(float) - support).tolist(),
                 "arrayminus": (support - r["support_ci_low"].astype(float)).tolist(),
                 "color": "#555"},
        customdata=r[["tag", "reason"]].to_numpy(),
        hovertemplate="<b>%{y}</b><br>Soutien : %{x:.0%}<br>%{customdata[0]} — %{customdata[1]}<extra></extra>",
        name="Soutien",
    ))
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title="Part des répondants qui jugent l'enjeu important")
    return _layout(fig, title, max(320, 34 * len(r) + 120))


def plot_group_heatmap(matrix: pd.DataFrame, ranking: pd.DataFrame, min_group_size: int,
                       title: str = "Soutien par type d'acteurs") -> go.Figure:
    """Actor type × issue heatmap; suppressed cells are blank and marked « n<… »."""
    order = ranking.sort_values("rank")[["issue_id", "label"]]
    types = sorted(matrix["actor_type"].unique())
    pivot = matrix.pivot(index="issue_id", columns="actor_type", values="support").reindex(
        index=order["issue_id"], columns=types).astype(float)
    supp = matrix.pivot(index="issue_id", columns="actor_type", values="suppressed").reindex(
        index=order["issue_id"], columns=types).fillna(False).astype(bool)
    text = [[(f"n<{min_group_size}" if supp.iat[i, j] else
              ("" if pd.isna(pivot.iat[i, j]) else f"{pivot.iat[i, j]:.0%}"))
             for j in range(len(types))] for i in range(len(pivot))]
    fig = go.Figure(go.Heatmap(
        z=pivot.to_numpy(), x=types, y=order["label"].tolist(), text=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1, colorbar={"tickformat": ".0%"}, hoverongaps=False,
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, max(320, 34 * len(order) + 120))


def plot_participation(actors: pd.DataFrame, title: str = "Qui a répondu ?") -> go.Figure:
    """Respondents per actor type."""
    counts = actors["actor_type"].fillna("non précisé").value_counts().sort_values()
    fig = go.Figure(go.Bar(x=counts.values, y=counts.index, orientation="h",
                           marker_color=PALETTE[1], text=counts.values, textposition="outside"))
    fig.update_xaxes(title="Acteurs répondants")
    return _layout(fig, title, 300)
