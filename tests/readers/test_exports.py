"""Real exports read right (issue 14): duplicates, review states, incomplete responses,
Qualtrics, headers below extra lines, platform meta columns, R re-saved Kobo exports, US
numbers, readable anomalies. Each file is a minimal reproduction of a real export's layout,
written inline; expectations are counted by hand from the lines written here."""

from __future__ import annotations

import pandas as pd
import pytest

import diagnostic
from diagnostic import read_responses
from diagnostic.anomalies import AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.project.run import read_surveys
from diagnostic.readers import detect_format


def _write(tmp_path, name: str, text: str, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _account(s):
    return s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected


# 1. duplicates only with a key ------------------------------------------------------------


def test_google_forms_same_answers_other_day_kept_same_timestamp_rejected(tmp_path):
    path = _write(
        tmp_path,
        "gf.csv",
        "Horodateur,Vous êtes,Votre avis\n"
        "2024/03/01 10:00:00,Association,Oui\n"
        "2024/03/02 11:30:00,Association,Oui\n"  # same answers, a day later: someone else
        "2024/03/01 10:00:00,Association,Oui\n"  # same timestamp and answers: sent twice
        "2024/03/03 09:00:00,Entreprise,Non\n",
    )
    s = read_responses(path)
    assert _account(s) == (4, 3, 1)
    assert s.actors["source_row"].tolist() == [2, 3, 5]
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected["row"].tolist() == [4]
    assert rejected["problem"].item().startswith("doublon : même horodatage")
    possible = s.anomalies[s.anomalies["problem"].str.startswith("doublon possible")]
    assert possible["row"].tolist() == [3] and possible["action"].tolist() == ["conservé"]


def test_identical_answers_without_any_key_are_kept(tmp_path):
    path = _write(tmp_path, "plain.csv", "Type;Avis\nasso;oui\nasso;oui\nasso;oui\nmairie;non\n")
    s = read_responses(path)
    assert _account(s) == (4, 4, 0)
    possible = s.anomalies[s.anomalies["problem"].str.startswith("doublon possible")]
    # rows 3 and 4 repeat row 2: one line for both, with the count and the rows
    assert len(possible) == 1
    assert possible["row"].item() == 3
    assert possible["problem"].item().endswith("(2 lignes : 3, 4)")


def test_kobo_uuid_repeated_is_a_duplicate(tmp_path):
    path = _write(
        tmp_path,
        "kobo.csv",
        "q1;q2;_uuid;_submission_time;_index\n"
        "a;b;u-1;2024-01-01;1\n"
        "a;c;u-1;2024-01-01;2\n"
        "a;b;u-2;2024-01-02;3\n",
    )
    s = read_responses(path)
    assert _account(s) == (3, 2, 1)
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected[["row", "column", "value"]].values.tolist() == [[3, "_uuid", "u-1"]]


# 2. review and validation states ----------------------------------------------------------

ODK = (
    "SubmissionDate,identite-type,avis,meta-instanceID,SubmitterID,SubmitterName,"
    "AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion,KEY\n"
    "2024-01-01,asso,oui,uuid:1,5,Marie Curie,0,0,,approved,collect:A,0,1,uuid:1\n"
    "2024-01-02,asso,non,uuid:2,5,Marie Curie,0,0,,rejected,collect:A,0,1,uuid:2\n"
    "2024-01-03,mairie,oui,uuid:3,6,Paul Martin,0,0,,hasIssues,collect:B,0,1,uuid:3\n"
    "2024-01-04,mairie,non,uuid:4,6,Paul Martin,0,0,,,collect:B,0,1,uuid:4\n"
)


def test_odk_central_rejected_left_out_has_issues_kept(tmp_path):
    s = read_responses(_write(tmp_path, "odk.csv", ODK))
    assert s.format == "odk_csv"
    assert _account(s) == (4, 3, 1)
    assert s.actors["source_row"].tolist() == [2, 4, 5]
    a = s.anomalies.set_index("row")
    assert a.at[3, "action"] == "rejeté" and "rejetée à la relecture" in a.at[3, "problem"]
    assert a.at[4, "action"] == "conservé" and "problème" in a.at[4, "problem"]
    # meta columns are never questions; the submitter's name and device are personal
    assert set(s.questions["label"]) == {"identite-type", "avis"}
    assert set(s.personal["field"]) == {"SubmitterName", "DeviceID"}
    assert "Marie Curie" not in set(s.answers["value"])


def test_kobo_not_approved_left_out(tmp_path):
    path = _write(
        tmp_path,
        "kobo.csv",
        "start;q1;_id;_uuid;_submission_time;_validation_status;_index\n"
        "2024-01-01;a;1;u-1;2024-01-01;validation_status_approved;1\n"
        "2024-01-01;b;2;u-2;2024-01-01;validation_status_not_approved;2\n"
        "2024-01-01;c;3;u-3;2024-01-01;Not approved;3\n"
        "2024-01-01;d;4;u-4;2024-01-01;;4\n"
        '2024-01-01;e;5;u-5;2024-01-01;"{""uid"": ""validation_status_not_approved""}";5\n',
    )
    s = read_responses(path)
    assert _account(s) == (5, 2, 3)
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected["row"].tolist() == [3, 4, 6]  # a rejected row keeps a line of its own
    assert rejected["problem"].str.contains("non approuvée").all()
    assert sorted(s.answers["value"]) == ["a", "d"]


# 3. incomplete responses ------------------------------------------------------------------

# ODK Central's own CSV header and the row it writes for an encrypted submission it cannot
# read: metadata only, every answer empty, ``Status`` naming why. Layout and values as in
# getodk/central-backend, lib/data/briefcase.js (commit fbfeb875b8c015a572dfd9a1639a0cda33e14a70,
# ``status = 'missing encrypted form data' | 'not decrypted'``) and its export tests. Drafts
# never reach Central: ODK Collect sends finalized forms only.
ODK_ENCRYPTED = (
    "SubmissionDate,meta-instanceID,name,age,KEY,SubmitterID,SubmitterName,"
    "AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n"
    "2018-01-01T00:00:00.000Z,one,Alice,30,one,5,Alice,0,0,,,,0,v1\n"
    "2018-01-01T00:00:00.000Z,,,,two,5,Alice,0,1,missing encrypted form data,,,0,v1\n"
    "2018-01-01T00:00:00.000Z,,,,three,5,Alice,1,1,not decrypted,,,0,v1\n"
    "2018-01-01T00:00:00.000Z,four,Bob,34,four,5,Alice,0,0,,,,0,v1\n"
)


def test_odk_central_unreadable_encrypted_rows_left_out_with_their_reason(tmp_path):
    s = read_responses(_write(tmp_path, "simple.csv", ODK_ENCRYPTED))
    assert s.format == "odk_csv"
    assert _account(s) == (4, 2, 2)
    assert s.actors["source_row"].tolist() == [2, 5]
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected["row"].tolist() == [3, 4]
    assert rejected["problem"].str.contains("chiffrée illisible").all()
    assert rejected["value"].tolist() == ["missing encrypted form data", "not decrypted"]


# KoboToolbox keeps ODK's instance statuses (incomplete, submitted, complete) beside its own
# (submitted_via_web, imported_via_csv) in ``_status``: kobotoolbox/kobocat,
# onadata/apps/logger/models/instance.py (commit aa1db6a497ed0fd7496c155610fcbd27e1d817f2;
# the same field in onaio/onadata, onadata/apps/logger/models/submission.py). The columns
# below are those of a Kobo CSV export (``_id``, ``_uuid``, ``_submission_time``, ``_status``).
KOBO_STATUS = (
    "start;end;q1;_id;_uuid;_submission_time;_validation_status;_status;_index\n"
    "2024-01-01;2024-01-01;a;1;u-1;2024-01-01T10:00:00;;submitted_via_web;1\n"
    "2024-01-01;2024-01-01;b;2;u-2;2024-01-01T11:00:00;;incomplete;2\n"
    "2024-01-01;2024-01-01;c;3;u-3;2024-01-01T12:00:00;;imported_via_csv;3\n"
)


def test_kobo_incomplete_status_left_out_unless_asked(tmp_path):
    path = _write(tmp_path, "kobo.csv", KOBO_STATUS)
    s = read_responses(path)
    assert _account(s) == (3, 2, 1)
    assert sorted(s.answers["value"]) == ["a", "c"]
    line = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert line["row"].tolist() == [3] and "« _status » = incomplete" in line["problem"].item()
    kept = read_responses(path, include_incomplete=True)
    assert _account(kept) == (3, 3, 0)
    assert sorted(kept.answers["value"]) == ["a", "b", "c"]


LIME = (
    "id,submitdate,lastpage,startlanguage,seed,startdate,datestamp,ipaddr,token,Q1,Q2,"
    "interviewtime,groupTime12,Q1Time,Q2Time\n"
    "1,2024-01-01 10:00,2,fr,123,2024-01-01 09:50,2024-01-01 10:00,10.0.0.1,tok1,A1,A2,600,300,"
    "100,200\n"
    "2,,1,fr,456,2024-01-01 11:00,2024-01-01 11:05,10.0.0.2,tok2,A1,,120,60,40,\n"
    "3,2024-01-02 10:00,2,fr,789,2024-01-02 09:00,2024-01-02 10:00,10.0.0.3,tok3,A2,A1,500,"
    "250,90,160\n"
)


def test_limesurvey_without_submitdate_left_out_unless_asked(tmp_path):
    path = _write(tmp_path, "results-survey1.csv", LIME)
    s = read_responses(path)
    assert s.format == "limesurvey_csv"
    assert _account(s) == (3, 2, 1)
    line = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert line["row"].tolist() == [3] and "non terminé" in line["problem"].item()
    kept = read_responses(path, include_incomplete=True)
    assert _account(kept) == (3, 3, 0)
    assert kept.anomalies["problem"].str.contains("incluse").sum() == 1


def test_limesurvey_timings_and_bookkeeping_are_never_questions(tmp_path):
    s = read_responses(_write(tmp_path, "results-survey1.csv", LIME))
    assert s.questions["label"].tolist() == ["Q1", "Q2"]
    # the IP address and the token are personal; nothing else of the bookkeeping is kept
    assert sorted(s.personal["field"].unique()) == ["ipaddr", "token"]
    assert set(s.personal["value"]) == {"10.0.0.1", "10.0.0.3", "tok1", "tok3"}


def test_limesurvey_full_text_timings(tmp_path):
    path = _write(
        tmp_path,
        "results-survey2.csv",
        '"Response ID","Date submitted","Last page","Start language","Q1. Votre avis ?",'
        '"Total time","Group time: Groupe 1","Question time: Q1"\n'
        '"1","2024-01-01","1","fr","Oui","30.5","30.5","12"\n'
        '"2","2024-01-01","1","fr","Non","40","40","20"\n',
    )
    s = read_responses(path)
    assert s.questions["label"].tolist() == ["Q1. Votre avis ?"]


# 4. Qualtrics -----------------------------------------------------------------------------

QUALTRICS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,"
    "ResponseId,RecipientLastName,RecipientFirstName,RecipientEmail,ExternalReference,"
    "LocationLatitude,LocationLongitude,DistributionChannel,UserLanguage,Q1,Q2\n"
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,"
    "Recorded Date,Response ID,Recipient Last Name,Recipient First Name,Recipient Email,"
    "External Data Reference,Location Latitude,Location Longitude,Distribution Channel,"
    "User Language,Quel est votre secteur ?,Combien de salariés ?\n"
    '"{""ImportId"":""startDate"",""timeZone"":""Europe/Paris""}",'
    '"{""ImportId"":""endDate"",""timeZone"":""Europe/Paris""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""ipAddress""}","{""ImportId"":""progress""}","{""ImportId"":""duration""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""recipientLastName""}",'
    '"{""ImportId"":""recipientFirstName""}","{""ImportId"":""recipientEmail""}",'
    '"{""ImportId"":""externalDataReference""}","{""ImportId"":""locationLatitude""}",'
    '"{""ImportId"":""locationLongitude""}","{""ImportId"":""distributionChannel""}",'
    '"{""ImportId"":""userLanguage""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
    "2024-01-01 10:00:00,2024-01-01 10:05:00,IP Address,1.2.3.4,100,300,True,"
    "2024-01-01 10:05:00,R_aaa,,,,,48.1,2.3,anonymous,FR,Agriculture,12\n"
    "2024-01-02 10:00:00,2024-01-02 10:01:00,IP Address,1.2.3.5,50,60,False,"
    "2024-01-09 10:01:00,R_bbb,,,,,48.2,2.4,anonymous,FR,Commerce,\n"
    "2024-01-03 10:00:00,2024-01-03 10:05:00,IP Address,1.2.3.6,100,300,True,"
    "2024-01-03 10:05:00,R_ccc,,,,,48.3,2.5,anonymous,FR,Commerce,3\n"
)


def test_qualtrics_three_header_rows(tmp_path):
    path = _write(tmp_path, "qualtrics.csv", QUALTRICS)
    assert detect_format(path) == "qualtrics_csv"
    s = read_responses(path)
    # three respondents below three header rows; R_bbb did not finish
    assert _account(s) == (3, 2, 1)
    assert s.actors["source_row"].tolist() == [4, 6]
    assert s.questions["label"].tolist() == ["Quel est votre secteur ?", "Combien de salariés ?"]
    assert s.questions["type"].tolist() == ["single", "numeric"]
    values = set(s.answers["value"])
    assert values == {"Agriculture", "Commerce", "12", "3"}
    assert "Quel est votre secteur ?" not in values
    assert {"IPAddress", "LocationLatitude"} <= set(s.personal["field"])


def test_qualtrics_two_header_rows_and_incomplete_included(tmp_path):
    lines = QUALTRICS.splitlines(keepends=True)
    path = _write(tmp_path, "qualtrics2.csv", "".join(lines[:2] + lines[3:]))
    s = read_responses(path, include_incomplete=True)
    assert _account(s) == (3, 3, 0)
    assert s.actors["source_row"].tolist() == [3, 4, 5]


# 5. a header below extra lines ------------------------------------------------------------


def test_google_forms_header_below_an_extra_line(tmp_path):
    path = _write(
        tmp_path,
        "gf.csv",
        "Export du 3 mars,réponses au questionnaire,version 2\n"
        "Horodateur,Vous êtes,Votre commune\n"
        "2024/03/01 10:00:00,Association,Foix\n"
        "2024/03/02 10:00:00,Entreprise,Mende\n",
    )
    assert detect_format(path) == "google_forms_csv"
    s = read_responses(path)
    assert _account(s) == (2, 2, 0)
    assert s.actors["source_row"].tolist() == [3, 4]
    assert set(s.answers["value"]) == {"Association", "Entreprise", "Foix", "Mende"}
    above = s.anomalies[s.anomalies["problem"].str.contains("au-dessus des en-têtes")]
    assert len(above) == 1


def test_google_forms_email_collected_is_personal(tmp_path):
    path = _write(
        tmp_path,
        "gf.csv",
        "Horodateur,Adresse e-mail,Vous êtes\n"
        "2024/03/01 10:00:00,a@exemple.fr,Association\n"
        "2024/03/02 10:00:00,b@exemple.fr,Entreprise\n",
    )
    s = read_responses(path)
    assert s.questions["label"].tolist() == ["Vous êtes"]
    assert s.personal[["field", "value"]].values.tolist() == [
        ["Adresse e-mail", "a@exemple.fr"],
        ["Adresse e-mail", "b@exemple.fr"],
    ]


# 7. a Kobo export re-saved by R -----------------------------------------------------------


def test_kobo_export_resaved_by_r(tmp_path):
    path = _write(
        tmp_path,
        "kobo_r.csv",
        '"X.U.FEFF.start","end","grp.q1","grp.q2","X_id","X_uuid","X_submission_time",'
        '"X_index","X__version__"\n'
        '"2024-01-01","2024-01-01","a","1","10","u-1","2024-01-01","1","v1"\n'
        '"2024-01-01","2024-01-01","b","2","11","u-1","2024-01-01","2","v1"\n'
        '"2024-01-02","2024-01-02","b","3","12","u-3","2024-01-02","3","v1"\n',
    )
    assert detect_format(path) == "kobo_csv"
    s = read_responses(path)
    assert s.questions["label"].tolist() == ["grp.q1", "grp.q2"]
    # X_uuid is the submission key: the second u-1 is a duplicate
    assert _account(s) == (3, 2, 1)
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected[["row", "column"]].values.tolist() == [[3, "X_uuid"]]


# 8. US numbers ----------------------------------------------------------------------------


def test_us_numbers_are_numbers(tmp_path):
    path = _write(
        tmp_path,
        "prices.csv",
        'Type,Price\nhouse,"179,900.00"\nflat,"95,500.50"\nfarm,"1,250,000"\nshed,900\n',
    )
    s = read_responses(path)
    q = s.questions.set_index("label")
    assert q.at["Price", "type"] == "numeric"
    price = s.answers[s.answers["question_id"] == q.at["Price", "question_id"]]
    assert price["value"].tolist() == ["179900", "95500.5", "1250000", "900"]
    assert not s.anomalies["problem"].str.contains("nombre illisible").any()


def test_french_decimal_commas_stay_french(tmp_path):
    path = _write(tmp_path, "fr.csv", 'Type;Surface\nA;"1,5"\nB;"2,25"\nC;"12"\n')
    s = read_responses(path)
    values = s.answers[s.answers["question_id"] == "surface"]["value"].tolist()
    assert values == ["1.5", "2.25", "12"]


# 10. anomalies a person can read ----------------------------------------------------------


def test_anomalies_one_line_per_column_and_problem():
    log = AnomalyLog("f.csv", rejected_alone=True)  # a response export's log
    for row in (2, 5, 9, 11, 14, 20, 30):
        log.add("nombre illisible", "conservé", row=row, column="Âge", value="vingt")
    log.add("nombre illisible", "conservé", row=4, column="Taille", value=pd.NA)
    log.add("commune non renseignée", "conservé", row=3, column=pd.NA, value=pd.NA)
    frame = log.frame()
    assert frame["row"].tolist() == [2, 3, 4]
    first = frame.iloc[0]
    assert first["problem"] == "nombre illisible (7 lignes : 2, 5, 9, 11, 14…)"
    assert first["value"] == "vingt" and first["column"] == "Âge"
    assert frame["value"].isna().tolist() == [False, True, True]
    assert "<NA>" not in frame.astype(str).where(frame.notna(), "").values
    # rejected respondents keep one line each; a log that does not aggregate keeps every line
    log.add("soumission vide", "rejeté", row=40)
    log.add("soumission vide", "rejeté", row=41)
    assert log.frame()["row"].tolist() == [2, 3, 4, 40, 41]
    assert len(AnomalyLog("g.csv", records=log.records, aggregate=False).frame()) == len(
        log.records
    )
    # any other file (a form, a territory file): rejected rows aggregate too
    other = AnomalyLog("communes.csv", records=log.records).frame()
    assert other["row"].tolist() == [2, 3, 4, 40]
    assert other["problem"].iloc[-1] == "soumission vide (2 lignes : 40, 41)"


def test_anomalies_across_columns_one_line_per_problem():
    """A guess made on every column (an inferred question's type) is one line per problem,
    naming the number of columns and the first four."""
    log = AnomalyLog("f.csv")
    for col in ("A", "B", "C", "D", "E"):
        log.add("type « single » déduit", "conservé", column=col, across_columns=True)
    log.add("type « text » déduit", "conservé", column="F", across_columns=True)
    log.add("type « single » déduit", "conservé", column="G")  # not across: its own line
    frame = log.frame()
    assert frame["problem"].tolist() == [
        "type « single » déduit (5 colonnes : « A », « B », « C », « D »…)",
        "type « text » déduit",
        "type « single » déduit",
    ]
    assert frame["column"].tolist() == ["A", "F", "G"]


# 9. checkboxes without a form --------------------------------------------------------------

CHECKBOXES = (
    "Horodateur,Vos besoins,Un commentaire\n"
    '2024/03/01 10:00:00,"Transport, Locaux, salles",Rien à ajouter\n'
    '2024/03/01 11:00:00,"Formation, Transport","Bien, merci"\n'
    '2024/03/01 12:00:00,"Locaux, salles, Formation, Un hangar pour le matériel",RAS\n'
    '2024/03/01 13:00:00,"Transport, Formation, Financement",Très bon questionnaire\n'
    '2024/03/01 14:00:00,"Financement, Formation",Merci\n'
    "2024/03/01 15:00:00,Transport,À bientôt\n"
)


def test_google_forms_checkboxes_learned_from_every_answer(tmp_path):
    s = read_responses(_write(tmp_path, "gf.csv", CHECKBOXES))
    q = s.questions.set_index("label")
    assert q.at["Vos besoins", "type"] == "multiple"
    # « Locaux, salles » is never ticked alone, yet stays one option (its comma included);
    # « Financement » is ticked twice, always with others
    options = s.choices[s.choices["list_name"] == q.at["Vos besoins", "list_name"]]
    assert set(options["label"]) == {
        "Transport",
        "Formation",
        "Locaux, salles",
        "Financement",
        "Autre",
    }
    besoins = s.answers[s.answers["question_id"] == q.at["Vos besoins", "question_id"]]
    by_row = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    ticked = besoins.groupby(besoins["actor_id"].map(by_row))["value"].apply(sorted).to_dict()
    assert ticked == {
        2: ["Locaux, salles", "Transport"],
        3: ["Formation", "Transport"],
        4: ["Formation", "Locaux, salles", "autre"],  # the « Autre » text costs no tick
        5: ["Financement", "Formation", "Transport"],
        6: ["Financement", "Formation"],
        7: ["Transport"],
    }
    other = s.answers[s.answers["question_id"] == q.at["Vos besoins [Autre]", "question_id"]]
    assert other["value"].tolist() == ["Un hangar pour le matériel"]
    # a free text with one comma is not a checkbox
    assert q.at["Un commentaire", "type"] == "text"
    # inspect's anomaly says the same type as the question table
    said = s.anomalies[s.anomalies["column"] == "Vos besoins"]["problem"]
    assert said.str.contains("type « multiple »").all() and not said.str.contains("single").any()


def test_space_joined_codes_without_a_form_are_multiple(tmp_path):
    path = _write(
        tmp_path,
        "kobo.csv",
        "metier;_id;_uuid;_submission_time;_index\n"
        "farmer miner carpenter;1;u-1;2024-01-01;1\n"
        "farmer;2;u-2;2024-01-01;2\n"
        "miner carpenter;3;u-3;2024-01-01;3\n"
        "carpenter;4;u-4;2024-01-01;4\n",
    )
    s = read_responses(path)
    assert s.questions["type"].tolist() == ["multiple"]
    assert sorted(s.choices["value"]) == ["carpenter", "farmer", "miner"]
    counts = s.answers["value"].value_counts().to_dict()
    assert counts == {"carpenter": 3, "miner": 2, "farmer": 2}


def test_words_always_together_are_not_codes(tmp_path):
    path = _write(
        tmp_path,
        "kobo.csv",
        "avis;_id;_uuid;_submission_time;_index\n"
        "yes;1;u-1;2024-01-01;1\nno;2;u-2;2024-01-01;2\ndont know;3;u-3;2024-01-01;3\n"
        "dont know;4;u-4;2024-01-01;4\nyes;5;u-5;2024-01-01;5\nno;6;u-6;2024-01-01;6\n",
    )
    s = read_responses(path)
    assert s.questions["type"].tolist() == ["single"]
    assert sorted(s.choices["value"]) == ["dont know", "no", "yes"]


# 3 and 11. the project: include_incomplete, no communes file without territory ------------


def _project(tmp_path, responses: str, name: str, extra: str = ""):
    _write(tmp_path, name, responses)
    return _write(
        tmp_path, "projet.toml", f'title = "Essai"\n\n[[survey]]\nresponses = "{name}"\n{extra}'
    )


def test_project_without_territory_needs_no_communes_file(tmp_path):
    path = _project(
        tmp_path,
        "Horodateur,Vous êtes,Avis\n2024/03/01 10:00:00,Association,Oui\n"
        "2024/03/02 10:00:00,Entreprise,Non\n2024/03/03 10:00:00,Association,Non\n",
        "gf.csv",
    )
    project = diagnostic.read_project(path)
    assert project.communes is None
    diag = diagnostic.run_diagnostic(project)
    assert len(diag.actors) == 3
    # no commune question: said once, not once per respondent
    said = diag.anomalies[diag.anomalies["problem"].str.contains("commune")]
    assert said["problem"].tolist() == [
        "aucune question de commune dans ce questionnaire : ses 3 répondants ne sont pas "
        "placés sur le territoire"
    ]


def test_project_with_a_territory_still_needs_communes(tmp_path):
    path = _project(tmp_path, "Horodateur,Avis\n2024/03/01 10:00:00,Oui\n", "gf.csv")
    path.write_text('territory = ["200067841"]\n' + path.read_text(encoding="utf-8"))
    with pytest.raises(DiagnosticError, match="communes"):
        diagnostic.read_project(path)


def test_include_incomplete_setting(tmp_path):
    path = _project(tmp_path, LIME, "results-survey1.csv")
    assert diagnostic.read_project(path).settings.include_incomplete is False
    assert [len(s.actors) for s in read_surveys(diagnostic.read_project(path))] == [2]
    path.write_text(path.read_text() + "\n[settings]\ninclude_incomplete = true\n")
    assert [len(s.actors) for s in read_surveys(diagnostic.read_project(path))] == [3]
    path.write_text(path.read_text().replace("= true", '= "oui"'))
    with pytest.raises(DiagnosticError, match="true ou false"):
        diagnostic.read_project(path)


def test_kobo_sample_select_multiple_without_form(shared):
    """kobocruncher's data.xlsx (real Kobo export): `profile.reason` holds space-joined codes
    and one 0/1 column per choice of its list (`profile.reason.safety`…)."""
    s = read_responses(shared / "surveys" / "kobo_kobocruncher_sample" / "data.xlsx")
    q = s.questions.set_index("label")
    assert q.at["profile.reason", "type"] == "multiple"
    # the option columns are the choices, not nine numeric questions
    assert not q.index.str.startswith("profile.reason.").any()
    assert sorted(s.choices.loc[s.choices["list_name"] == "profile_reason", "value"]) == [
        "accomodation",
        "community",
        "education",
        "employment",
        "movement",
        "no_answer",
        "other",
        "reunification",
        "safety",
    ]
    ticked = s.answers.loc[s.answers["question_id"] == "profile_reason", "value"]
    # the five cells: « accomodation employment education community », « accomodation
    # education community reunification », « education reunification », « safety movement »,
    # « employment education »
    assert ticked.value_counts().to_dict() == {
        "education": 4,
        "accomodation": 2,
        "community": 2,
        "employment": 2,
        "reunification": 2,
        "movement": 1,
        "safety": 1,
    }
    said = s.anomalies.loc[s.anomalies["column"] == "profile.reason", "problem"]
    assert said.str.contains("« multiple »").all()


def test_abidjan_option_columns_without_form_are_one_multiple_question(shared):
    """The real household CSV carries `HHITEMS/Computer`… (0/1) without an `HHITEMS` column;
    without its form, they are one multiple question with the counts the form gives."""
    folder = shared / "surveys" / "kobo_epfl_abidjan_2022"
    s = read_responses(folder / "household_data_abidjan.csv")
    q = s.questions.set_index("label")
    assert q.at["HHITEMS", "type"] == "multiple"
    assert not q.index.str.startswith("HHITEMS/").any()
    # the submission key, the form's uuid and the saved row index are never questions
    assert not {"KEY", "uuid", "colonne_1"} & set(q.index)
    items = s.answers.loc[s.answers["question_id"] == q.at["HHITEMS", "question_id"], "value"]
    counts = items.value_counts()
    assert counts["Electricity"] == 566 and counts["Computer"] == 83


def test_qualtrics_multiple_answers_joined_by_commas(tmp_path):
    path = _write(
        tmp_path,
        "qualtrics3.csv",
        "StartDate,Finished,ResponseId,Q1,Q2\n"
        "Start Date,Finished,Response ID,Vos besoins ?,Votre secteur ?\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""finished""}",'
        '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
        '2024-01-01,True,R_1,"Transport,Locaux",Agriculture\n'
        "2024-01-02,True,R_2,Transport,Commerce\n"
        '2024-01-03,True,R_3,"Locaux,Formation,Un hangar",Commerce\n'
        '2024-01-04,True,R_4,"Formation,Transport",Agriculture\n',
    )
    s = read_responses(path)
    assert _account(s) == (4, 4, 0)
    q = s.questions.set_index("label")
    assert q.at["Vos besoins ?", "type"] == "multiple"
    qid = q.at["Vos besoins ?", "question_id"]
    counts = s.answers.loc[s.answers["question_id"] == qid, "value"].value_counts().to_dict()
    assert counts == {"Transport": 3, "Locaux": 2, "Formation": 2, "autre": 1}
    other = s.answers[s.answers["question_id"] == q.at["Vos besoins ? [Autre]", "question_id"]]
    assert other["value"].tolist() == ["Un hangar"]


def test_qualtrics_xlsx_export(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in (
        ["StartDate", "Finished", "ResponseId", "IPAddress", "Q1"],
        ["Start Date", "Finished", "Response ID", "IP Address", "Votre secteur ?"],
        ["2024-01-01", 1, "R_1", "1.2.3.4", "Agriculture"],
        ["2024-01-02", 0, "R_2", "1.2.3.5", "Commerce"],
        ["2024-01-03", 1, "R_3", "1.2.3.6", "Commerce"],
    ):
        ws.append(row)
    path = tmp_path / "qualtrics.xlsx"
    wb.save(path)
    assert detect_format(path) == "qualtrics_xlsx"
    s = read_responses(path)
    assert _account(s) == (3, 2, 1)  # Finished = 0: left out
    assert s.actors["source_row"].tolist() == [3, 5]
    assert s.questions["label"].tolist() == ["Votre secteur ?"]
    assert sorted(s.answers["value"]) == ["Agriculture", "Commerce"]
    assert sorted(s.personal["value"]) == ["1.2.3.4", "1.2.3.6"]


def test_anomalies_summary_counts_rows_and_columns_by_problem():
    """The summary that opens the Anomalies sheet: one row per problem and action, the count
    of rows or columns read from each line (column names may hold parentheses)."""
    from diagnostic.anomalies import summarise

    table = pd.DataFrame(
        {
            "file": ["a.csv", "a.csv", "b.csv", "b.csv", "b.csv"],
            "problem": [
                "type « multiple » déduit (8 colonnes : « Vos besoins (plusieurs) », « B »…)",
                "nombre illisible (3 lignes : 2, 4, 5)",
                "nombre illisible",
                "code inconnu (352 valeurs)",
                "nombre illisible (2 lignes : 7, 9)",
            ],
            "action": ["conservé", "conservé", "conservé", "rejeté", "conservé"],
        }
    )
    out = summarise(table)
    assert out.values.tolist() == [
        ["code inconnu", "rejeté", 1, 352, 1],
        ["type « multiple » déduit", "conservé", 1, 8, 1],
        ["nombre illisible", "conservé", 3, 6, 2],
    ]
    assert summarise(table.iloc[0:0]).empty


def test_a_personal_column_set_aside_is_text_in_the_types_and_in_the_anomalies(tmp_path):
    """Without a form, « reporter » (one enumerator's name on every row) is guessed single,
    then set aside as personal and read as text: the inferred-type lines of the anomalies
    say « text » for it too, and count the single questions without it (ODK quadrat)."""
    path = _write(
        tmp_path,
        "plain.csv",
        "reporter,Lieu,Pente\n"
        "Jeanne Martin,Parking,plat\n"
        "Jeanne Martin,Jardin,pente\n"
        "Jeanne Martin,Parking,plat\n",
    )
    s = read_responses(path)
    types = dict(zip(s.questions["label"], s.questions["type"]))
    assert types == {"reporter": "text", "Lieu": "single", "Pente": "single"}
    assert s.questions.set_index("label").at["reporter", "role"] == "contact"
    guessed = [p for p in s.anomalies["problem"] if "déduit des réponses" in p]
    assert sorted(guessed) == [
        "question sans formulaire (« unlabelled ») : type « single » déduit des réponses "
        "(2 colonnes : « Lieu », « Pente »)",
        "question sans formulaire (« unlabelled ») : type « text » déduit des réponses",
    ]
    text_line = s.anomalies[s.anomalies["problem"].str.contains("type « text »")]
    assert text_line["column"].tolist() == ["reporter"]
    assert "Jeanne" not in " ".join(s.answers["value"].astype(str))
