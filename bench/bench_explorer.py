"""How long the explorer takes to answer a filter change on a 5,000-actor project.

Builds a synthetic Diagnostic (the example's form, 5,000 random actors answering its
issue questions, tables computed by the library itself), opens the explorer app in
process and times the full callback — library call, figure builders and in-place
FigureWidget updates — for a series of filter changes. Prints the median and p95.

    PYTHONPATH=src python bench/bench_explorer.py [--actors 5000] [--changes 60]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from diagnostic.analysis.clusters import find_issue_groups
from diagnostic.analysis.issues import group_matrix, issue_responses, rank_issues


def scaled_diagnostic(diag, n_actors: int = 5000, seed: int = 0):
    """A copy of `diag` with `n_actors` random actors answering its Likert issue questions.

    Actors are spread over the communes and actor types of `diag`; each type leans
    towards its own issues, so that the filters change the ranking. Only the tables the
    explorer reads are rebuilt (actors, answers, responses, ranking, matrix).

    Returns
    -------
    Diagnostic
    """
    rng = np.random.default_rng(seed)
    types = np.array(sorted(diag.actors["actor_type"].dropna().unique()))
    places = diag.actors.dropna(subset=["commune_code"])[
        ["commune_code", "commune_name", "epci_code"]
    ].drop_duplicates()
    pick = rng.integers(0, len(places), n_actors)
    kind = types[rng.integers(0, len(types), n_actors)]
    actors = pd.DataFrame(
        {
            "actor_id": [f"S-{i:05d}" for i in range(n_actors)],
            "actor_type": kind,
            "sector": pd.NA,
            "commune_name": places["commune_name"].to_numpy()[pick],
            "commune_code": places["commune_code"].to_numpy()[pick],
            "epci_code": places["epci_code"].to_numpy()[pick],
            "cooperation": "oui",
            "source_file": "synthetique",
            "source_row": np.arange(n_actors) + 2,
        }
    ).astype(
        {
            c: "string"
            for c in (
                "actor_id",
                "actor_type",
                "sector",
                "commune_name",
                "commune_code",
                "epci_code",
                "cooperation",
                "source_file",
            )
        }
    )
    likert = diag.questions[diag.questions["role"] == "issue_importance"]
    frames = []
    for j, q in enumerate(likert.itertuples()):
        scale = diag.choices[diag.choices["list_name"] == q.list_name].sort_values("order")
        values = scale["value"].to_numpy()
        lean = {t: rng.uniform(-1.5, 1.5) for t in types}
        mean = 2.0 + np.array([lean[t] for t in kind]) + (j % 3) * 0.3
        level = np.clip(np.rint(rng.normal(mean, 1.0)), 0, len(values) - 2).astype(int)
        level[rng.random(n_actors) < 0.04] = len(values) - 1  # some "ne sait pas"
        frames.append(
            pd.DataFrame(
                {
                    "actor_id": actors["actor_id"],
                    "question_id": q.question_id,
                    "value": values[level],
                }
            )
        )
    answers = pd.concat(frames, ignore_index=True).astype("string")
    asked = answers[["actor_id", "question_id"]].drop_duplicates()
    responses = issue_responses(answers, asked, diag.questions, diag.choices, actors, diag.settings)
    return replace(
        diag,
        actors=actors,
        answers=answers,
        responses=responses,
        personal=diag.personal.iloc[0:0],
        needs=diag.needs.iloc[0:0],
        offers=diag.offers.iloc[0:0],
        issue_ranking=rank_issues(responses, diag.settings),
        group_matrix=group_matrix(responses, diag.settings),
        clusters=find_issue_groups(responses.iloc[0:0], diag.settings),
    )


def measure_explorer(n_actors: int = 5000, n_changes: int = 60) -> dict:
    """Drive the explorer's filters on a `n_actors` diagnostic; times in milliseconds.

    Returns
    -------
    dict
        open_ms, changes, median_ms, p95_ms, max_ms and a ``text`` line for RESULTS.md.
    """
    import diagnostic
    from diagnostic.apps.explorer import explorer_app

    example = diagnostic.run_diagnostic(diagnostic.read_project(diagnostic.example_project()))
    diag = scaled_diagnostic(example, n_actors)
    start = time.perf_counter()
    app = explorer_app(diag)
    opened = (time.perf_counter() - start) * 1000
    types = [value for _, value in app.actor_type.options]
    places = [value for _, value in app.place.options][:4]
    themes = [value for _, value in app.theme.options]
    changes = []
    for i in range(n_changes):  # cycle through every kind of filter
        control, values = [(app.actor_type, types), (app.place, places), (app.theme, themes)][i % 3]
        changes.append((control, values[(i // 3 + 1) % len(values)]))
    times = []
    for control, value in changes:
        if control.value == value:
            continue
        t = time.perf_counter()
        control.value = value
        times.append((time.perf_counter() - t) * 1000)
    if app.errors.outputs:
        raise SystemExit(app.errors.outputs[0]["text"])
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    median = statistics.median(times)
    return {
        "actors": len(diag.actors),
        "open_ms": opened,
        "changes": len(times),
        "median_ms": median,
        "p95_ms": p95,
        "max_ms": times[-1],
        "text": (
            f"médiane {median:.1f} ms, p95 {p95:.1f} ms sur {len(times)} changements "
            f"de filtre, {len(diag.actors)} acteurs (cibles : < 100 ms, < 250 ms)"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=5000)
    parser.add_argument("--changes", type=int, default=60)
    args = parser.parse_args()
    result = measure_explorer(args.actors, args.changes)
    print(f"{result['actors']} acteurs ; ouverture de l'explorateur : {result['open_ms']:.0f} ms")
    print(f"changement de filtre (4 graphiques mis à jour) : {result['text']}")


if __name__ == "__main__":
    main()
