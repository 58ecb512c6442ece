"""The full-text heading LimeSurvey writes above each column of a response export.

With "full question text" headings (the ``full`` and ``abbreviated`` heading formats of
the export screen, ``sHeadingType`` of the RemoteControl API), LimeSurvey builds each
heading from its field map, in the language of the export. What follows was read in
LimeSurvey's own source (repository LimeSurvey/LimeSurvey):

- application/helpers/admin/export/Writer.php: ``getFullQuestionHeading`` gives the
  question text flattened (HTML removed); ``getFullFieldSubHeading`` adds, when the field
  has a subquestion, a space and its parts each in brackets, through
  ``viewHelper::getFieldText`` with the separator ``['[', ']']``. The ``abbreviated``
  format cuts each text to ``headingTextLength`` characters (15 when not set) followed by
  the ellipsis ``".. "``; ``headerSpacesToUnderscores`` turns spaces into ``_``.
- application/helpers/viewHelper.php, ``getFieldText``: the parts are ``subquestion``,
  then ``subquestion1`` and ``subquestion2`` (arrays of texts or numbers), then ``scale``.
- application/helpers/common_helper.php, ``createFieldMap`` (style "full", run in the
  survey's language through ``App()->setLanguage``): array rows and multiple-choice options
  have their subquestion text; the "other" field of a list (L, !) or multiple choice
  (M, P) has ``gT("Other")``; the comment of a list with comment (O) and of each option
  of P has ``gT("Comment")``; the rows of a dual-scale array (1) have ``scale``
  ``gT("Scale 1")`` and ``gT("Scale 2")``; ranking (R) ``sprintf(gT("Rank %s"), i)``.
  The comment of each option of P has no subquestion text, only ``gT("Comment")``: every
  comment column of one question has the same heading (they are told apart by their
  place, right after their option's column); the "other" of P is followed by
  ``gT("Other comment")``.
- The same ``createFieldMap``: a ranking has one field per rank, ``{sgq}1``, ``{sgq}2``…,
  as many as its answer options, or its ``max_subquestions`` attribute when set and smaller;
  ``viewHelper::getFieldCode`` writes them ``Q1[1]``, ``Q1[2]`` (``Q1_1`` as Expression
  Manager variables, the ``LEMcompat`` separator ``_``); the comment fields are ``aid``
  ``comment`` (O) and ``{subcode}comment`` (P), i.e. ``Q1[comment]``/``Q1_comment`` and
  ``Q1[SQ001comment]``/``Q1_SQ001comment``, the ids given to their questions here.

Confirmed translations only: "Other" is "Autre" in French (the real French export
limesurvey_unil_journees_patrimoine writes "Vous habitez dans quel pays? [Autre]"). The
French words for "Scale", "Rank" and "Comment" were not found in the stored sources:
dual-scale and rank headings are matched on their number, and the comment of a list by its
question (its only bracketed column), whatever the word in brackets (`readers.fulltext`).
Fields the form does not hold as questions (multi-flexi cells) get no heading here, so
their columns stay reported as unknown, like their code headings.
"""

from __future__ import annotations

from diagnostic.forms.model import FieldText

#: ``gT("Other")`` in the languages confirmed; LimeSurvey falls back to the English msgid.
OTHER = {"en": "Other", "fr": "Autre"}
#: ``gT("Scale 1")`` / ``gT("Scale 2")``: the English msgid (see the module docstring).
SCALE = "Scale {}"
#: ``sprintf(gT("Rank %s"), i)``, ``gT("Comment")``, ``gT("Other comment")``: English msgids.
RANK, COMMENT, OTHER_COMMENT = "Rank {}", "Comment", "Other comment"
_WITH_OTHER = {"L", "!"}
_MULTIPLE = {"M", "P"}
_PER_ROW = {"F", "H", "A", "B", "C", "E", "Q", "K"}
_DUAL = "1"
_NO_HEADING = {"X", "*", ";", ":"}


def rank_slots(q: dict, answers: list) -> int:
    """How many rank columns LimeSurvey gives a ranking: one per answer option, or fewer
    when its ``max_subquestions`` attribute says so (``createFieldMap``)."""
    slots = q.get("max_ranks") or 0
    return min(slots, len(answers)) if slots > 0 else len(answers)


def field_texts(structure) -> tuple[FieldText, ...]:
    """The heading of every export column a LimeSurvey structure turns into a question.

    Parameters
    ----------
    structure : forms.limesurvey.LimeSurveyStructure
        Questions, subquestions and answers of one language (texts already without HTML).

    Returns
    -------
    tuple of FieldText
        Question ids as `read_limesurvey_structure` names them (``Q1``, ``Q1_SQ001``,
        ``Q1_SQ001_0``, ``Q1_other``); ``option`` set for multiple-choice options.
    """
    language = (structure.language or "en").split("-")[0].lower()
    other = OTHER.get(language, OTHER["en"])
    out: list[FieldText] = []
    for q in structure.questions:
        code, qtype, text = q["code"], q["type"], q["text"]
        subs = [(c, t) for c, t, scale in structure.subquestions.get(q["qid"], []) if scale == "0"]
        if qtype in _NO_HEADING:
            continue
        if qtype == "R":
            answers = [a for a in structure.answers.get(q["qid"], []) if a[2] == "0"]
            out += [
                FieldText(code, None, text, (RANK.format(i),), rank=i)
                for i in range(1, rank_slots(q, answers) + 1)
            ]
            continue
        if qtype == "O":
            out += [
                FieldText(code, None, text),
                FieldText(f"{code}_comment", None, text, (COMMENT,)),
            ]
            continue
        if qtype in _MULTIPLE:
            for sub, sub_text in subs:
                out.append(FieldText(code, sub, text, (sub_text,)))
                if qtype == "P":
                    out.append(
                        FieldText(f"{code}_{sub}comment", None, text, (COMMENT,), comment_of=sub)
                    )
        elif qtype in _PER_ROW:
            out += [FieldText(f"{code}_{sub}", None, text, (sub_text,)) for sub, sub_text in subs]
        elif qtype == _DUAL:
            out += [
                FieldText(
                    f"{code}_{sub}_{scale}", None, text, (sub_text, SCALE.format(scale + 1)), scale
                )
                for sub, sub_text in subs
                for scale in (0, 1)
            ]
        else:  # single questions, and types unknown here (read as text)
            out.append(FieldText(code, None, text))
        if q["other"] and qtype in _WITH_OTHER | _MULTIPLE:
            out.append(FieldText(f"{code}_other", None, text, (other,)))
        if q["other"] and qtype == "P":
            out.append(
                FieldText(f"{code}_othercomment", None, text, (OTHER_COMMENT,), comment_of="other")
            )
    return tuple(out)
