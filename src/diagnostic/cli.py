"""The `diagnostic` command: demo, inspect, run, questionnaire, atelier."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

# One BLAS thread, set before numpy loads OpenBLAS: the analyses multiply small matrices
# (the ranking's 200 resamples: 25 × actors by actors × issues), where OpenBLAS's threads
# cost more than they give, and they spin against the output stage's second process and
# any other work on the machine (M: the stability resamples 0.4-3 s of CPU -> 0.15-0.2 s).
# Sums of whole numbers or one thread: the same floats. A user's own setting is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# No transparent huge pages for numpy's arrays, set before numpy loads: numpy asks the
# kernel for huge pages on every array of 4 MB or more, and where the kernel is set as
# Debian's and Ubuntu's are (huge pages on request, memory compacted on request), each new
# huge page may wait for the kernel to compact memory. A run makes many short-lived arrays
# of tens of MB; at L (50,000 actors) this took 6-8 s of system time out of 12, and the
# run 33-35 s -> 29 s, results unchanged (where pages come from changes no value).
# A user's own setting is kept.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from diagnostic.errors import DiagnosticError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="diagnostic",
        description="Diagnostic partagé de territoire : lecture des enquêtes, enjeux communs, "
        "pistes de coopération, classeur pour les financeurs.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="construit le projet d'exemple et tous ses résultats")
    demo.add_argument("outdir", nargs="?", default="out")
    ins = sub.add_parser(
        "inspect", help="décrit un export d'enquête (format, questions, anomalies)"
    )
    ins.add_argument("file")
    ins.add_argument(
        "--form",
        help="formulaire de l'enquête (XLSForm, structure LimeSurvey "
        ".txt/.lss) ; sans lui, les questions sont déduites des réponses",
    )
    ins.add_argument("--roles", help="feuille des rôles (question_id,role[,theme])")
    ins.add_argument("--json", action="store_true", help="sortie JSON")
    ins.add_argument(
        "--show-personal",
        action="store_true",
        help="montre les valeurs en clair (courriels, téléphones, noms, adresses : masqués par "
        "défaut) ; pour le consultant seulement",
    )
    ins.add_argument(
        "--communes",
        help="fichier des communes pour placer les répondants "
        "(par défaut : celui du projet diagnostic.toml voisin, s'il existe)",
    )
    run = sub.add_parser("run", help="exécute le diagnostic décrit par un fichier de projet")
    run.add_argument("project")
    run.add_argument("-o", "--outdir", default="out")
    run.add_argument(
        "--audience",
        choices=["funder", "collective", "consultant"],
        default="funder",
        help="public des sorties : funder (financeurs : pseudonymes et effectifs, par "
        "défaut), collective (noms des structures qui l'ont accepté, sans contact), "
        "consultant (tout, contacts compris, marqué CONFIDENTIEL)",
    )
    que = sub.add_parser(
        "questionnaire",
        help="écrit un questionnaire XLSForm prêt à l'emploi (KoboToolbox, ODK), rôles remplis",
    )
    que.add_argument("file", help="le classeur à écrire (.xlsx)")
    que.add_argument(
        "--project",
        help="fichier de projet (diagnostic.toml) : la question de commune devient la liste "
        "des communes de son territoire (sinon, une réponse écrite)",
    )
    que.add_argument(
        "--lang",
        choices=["fr", "en"],
        default="fr",
        help="langue par défaut du formulaire (les libellés sont écrits en français et en anglais)",
    )
    que.add_argument("--force", action="store_true", help="remplace le fichier s'il existe déjà")
    atelier = sub.add_parser(
        "atelier",
        help="sert l'application des collectifs à la salle d'un atelier (réseau local, jeton, "
        "QR code ; participants en lecture seule)",
    )
    atelier.add_argument(
        "project",
        nargs="?",
        help="fichier de projet (par défaut : DIAGNOSTIC_PROJECT, sinon l'exemple)",
    )
    atelier.add_argument(
        "-o",
        "--outdir",
        default="out",
        help="dossier de sortie (les décisions vont dans le dossier du projet, sauf pour "
        "l'exemple embarqué : ici)",
    )
    atelier.add_argument("--port", type=int, default=8866)
    atelier.add_argument(
        "--jeton",
        dest="token",
        help="jeton d'accès (au moins 16 caractères) ; tiré au hasard par défaut",
    )
    atelier.add_argument(
        "--inactivite",
        dest="idle",
        type=int,
        default=15,
        help="minutes après lesquelles une page inactive est fermée (15 par défaut)",
    )
    atelier.add_argument(
        "--max-visiteurs",
        dest="max_visitors",
        type=int,
        help="pages ouvertes à la fois au plus (par défaut : ce que tient la mémoire libre, "
        "environ 400 Mo par page)",
    )
    atelier.add_argument(
        "--page-fermee",
        dest="closed",
        type=int,
        default=60,
        help="secondes après lesquelles la mémoire d'une page fermée est libérée (60 par défaut)",
    )
    return p


def _atelier(args) -> int:
    from diagnostic.apps.serve import new_room, serve

    room = new_room(
        args.token,
        port=args.port,
        idle_minutes=args.idle,
        max_visitors=args.max_visitors,
        closed_seconds=args.closed,
    )
    if args.project:
        project = Path(args.project)
    elif os.environ.get("DIAGNOSTIC_PROJECT"):
        project = Path(os.environ["DIAGNOSTIC_PROJECT"])
    else:
        from diagnostic.datasets import example_project

        project = example_project()
    return serve(room, project, Path(args.outdir))


def _questionnaire(file: Path, project_file: str | None, language: str, force: bool) -> int:
    from diagnostic.forms.template import study_area_communes, write_questionnaire

    communes = study_area_communes(project_file) if project_file else None
    write_questionnaire(file, language=language, communes=communes, force=force)
    where = f" ({len(communes)} communes dans la liste)" if communes is not None else ""
    print(f"Questionnaire écrit : {file}{where}", file=sys.stderr)
    return 0


def _run(project_file: Path, outdir: Path, audience: str = "funder") -> int:
    from diagnostic._io.atomic import check_output_folder
    from diagnostic.project.file import read_project

    project = read_project(project_file)
    check_output_folder(outdir)  # before the work, so that a bad folder is known at once
    if project.surveys:  # its answers parsed while the rest is imported
        from diagnostic._io.sheets import prefetch

        prefetch(project.surveys[0].responses)
    from diagnostic.export import outputs
    from diagnostic.i18n import text
    from diagnostic.project.run import run_diagnostic

    def say(key, **values):
        print(text(key, project.language, **values), file=sys.stderr)

    say("cli.reading", file=project_file)
    # the outputs begin as soon as the answers are loaded: the data annex is written in a
    # second process while the analyses run, and the network once the pairs are final
    # (`export.outputs`)
    with outputs(outdir, audience) as out:
        diag = run_diagnostic(project, loaded=out.loaded, matched=out.matched)
        _said(diag, project, audience, say)
        paths = out.write(diag)
    say("cli.written", workbook=paths["workbook"], html=paths["html"], tables=paths["tables"])
    return 0


def _said(diag, project, audience: str, say) -> None:
    """The lines printed between the analyses and the writing: rows read, counts."""
    from diagnostic.privacy.audiences import has_consent_question, no_consent_line

    for a in diag.accounts:
        say(
            "cli.account",
            file=a.file,
            read=a.rows_read,
            loaded=a.rows_loaded,
            rejected=a.rows_rejected,
        )
    say(
        "cli.summary",
        actors=len(diag.actors),
        issues=len(diag.issue_ranking),
        leads=len(diag.opportunities),
        projects=len(diag.cooperation_projects),
        anomalies=len(diag.anomalies),
    )
    if project.decisions_file.exists():  # saved by the apps, read back by this run
        say("cli.decisions", file=project.decisions_file)
    if audience == "collective" and not has_consent_question(diag.questions):
        print(no_consent_line(project.language), file=sys.stderr)


def _communes_for(file: Path, communes: str | None):
    """The communes file given, or the one of a project file beside the export."""
    if communes:
        return Path(communes)
    for folder in (file.resolve().parent, file.resolve().parent.parent):
        project = folder / "diagnostic.toml"
        if project.exists():
            from diagnostic.project.file import read_project  # only when there is one

            return read_project(project).communes
    return None


def _inspect(
    file: Path,
    form_file: str | None,
    as_json: bool,
    communes: str | None,
    roles: str | None = None,
    show_personal: bool = False,
) -> int:
    import pandas as pd

    from diagnostic.forms import read_form
    from diagnostic.privacy.masking import mask_text, mask_values
    from diagnostic.readers import FORMATS, read_responses
    from diagnostic.readers.repeats import table_holds

    form = read_form(form_file, roles=roles) if form_file else None
    survey = read_responses(file, form)
    anomalies = survey.anomalies
    communes_file = _communes_for(file, communes)
    if communes_file is not None and survey.actors["commune_name"].notna().any():
        from diagnostic.territory import place_actors, read_communes  # only to place them

        _placed, placing = place_actors(survey.actors, read_communes(communes_file))
        anomalies = pd.concat([anomalies, placing], ignore_index=True)
    ch = survey.choices
    shown = (lambda v: v) if show_personal else mask_text
    if not show_personal:  # answers quoted in the anomalies and choices read from the data
        anomalies = anomalies.assign(value=mask_values(anomalies["value"]))
    inside = survey.answers[survey.answers["instance"].notna()]
    per_question = inside["question_id"].map(
        dict(zip(survey.questions["question_id"], survey.questions["repeat"]))
    )
    answers_of = per_question.value_counts().to_dict()
    report = {
        "file": str(file),
        "format": survey.format,
        "format_label": FORMATS.get(survey.format, survey.format),
        **survey.account.as_dict(),
        "repeats": survey.repeats,
        # each repeat table: its rows (read = loaded + rejected) and the answers loaded
        "repeat_groups": [
            {
                "name": name,
                **account.as_dict(),
                "answers": int(sum(n for rep, n in answers_of.items() if table_holds(name, rep))),
            }
            for name, account in zip(survey.repeats, survey.repeat_accounts)
        ],
        "repeat_answers": len(inside),
        "respondents": len(survey.actors),
        "questions": [
            {
                "question_id": q.question_id,
                "label": q.label,
                "type": q.type,
                "role": q.role,
                "repeat": q.repeat if isinstance(q.repeat, str) else None,
                "choices": [shown(v) for v in ch.loc[ch["list_name"] == q.list_name, "value"]]
                if isinstance(q.list_name, str)
                else [],
            }
            for q in survey.questions.itertuples()
        ],
        # each header: the question (and option) it holds, and how it was recognised
        "columns": _records(survey.columns) if survey.columns is not None else [],
        "anomalies": _records(anomalies),
    }
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"Fichier : {file}\nFormat détecté : {report['format']} ({report['format_label']})")
    print(
        f"Lignes lues : {report['rows_read']}, chargées : {report['rows_loaded']}, "
        f"rejetées : {report['rows_rejected']} ; répondants : {report['respondents']}"
    )
    for g in report["repeat_groups"]:
        print(
            f"Répétition {g['name']} : {g['rows_read']} lignes lues, {g['rows_loaded']} "
            f"chargées, {g['rows_rejected']} rejetées ; {g['answers']} réponses chargées"
        )
    ways = pd.Series([c["match"] for c in report["columns"]], dtype=object).value_counts()
    matched = ways.drop(["meta", "none"], errors="ignore")
    if len(ways):
        found = ", ".join(f"{_MATCHES.get(k, k)} {n}" for k, n in matched.items())
        print(
            f"Colonnes rattachées à une question : {matched.sum()} ({found or 'aucune'}) ; "
            f"non reconnues : {ways.get('none', 0)}"
        )
    print(f"\nQuestions ({len(report['questions'])}) :")
    width = max([24, *(len(str(q["question_id"])) for q in report["questions"])])
    for q in report["questions"]:
        extra = f" [{', '.join(q['choices'])}]" if q["choices"] else ""
        print(f"  {q['question_id']:<{width}} {q['type']:<9} {q['role']:<17}{extra}")
    print(f"\nAnomalies ({len(report['anomalies'])}) :")
    for a in report["anomalies"]:
        where = ", ".join(
            str(x) for x in (f"ligne {a['row']}" if a["row"] else None, a["column"]) if x
        )
        print(f"  - {where + ' : ' if where else ''}{a['problem']} ({a['action']})")
    return 0


#: How a column was recognised, in the words of the text report.
_MATCHES = {
    "code": "par code",
    "label": "par libellé",
    "full_text": "par texte intégral",
    "abbreviated": "par texte abrégé",
    "fuzzy": "par texte approché",
}


def _records(frame) -> list[dict]:
    """Rows of a table as JSON-ready dicts (missing values as null)."""
    return [
        {k: (None if v is None or v != v else v) for k, v in rec.items()}
        for rec in frame.astype(object).to_dict("records")
    ]


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program stands so that every cleanup runs (a
    KeyboardInterrupt, so that no ``except Exception`` swallows it)."""


def _raise_terminated(_signum, _frame):
    raise _Terminated


@contextmanager
def _sigterm_raises():
    """Turn SIGTERM into `_Terminated` while the command runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    with _sigterm_raises():
        return _main(args)


def _main(args) -> int:
    try:
        if args.command == "demo":
            from diagnostic.datasets import example_project

            return _run(example_project(), Path(args.outdir))
        if args.command == "run":
            return _run(Path(args.project), Path(args.outdir), args.audience)
        if args.command == "questionnaire":
            return _questionnaire(Path(args.file), args.project, args.lang, args.force)
        if args.command == "atelier":
            return _atelier(args)
        return _inspect(
            Path(args.file),
            args.form,
            args.json,
            args.communes,
            args.roles,
            show_personal=args.show_personal,
        )
    except DiagnosticError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except _Terminated:
        print("Arrêté (SIGTERM).", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def entry() -> None:
    """The `diagnostic` command as a process (its console script, ``python -m``): `main`,
    its messages flushed, then the process ends at once, without the interpreter's
    teardown, which frees every object of the tables one by one for a process about to
    end (5,000 actors: 0.2 s after the last output was published). Every output is
    written, closed and published by `main` before; an unexpected error still ends the
    usual way, with its traceback."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader has gone, or the stream is closed
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
