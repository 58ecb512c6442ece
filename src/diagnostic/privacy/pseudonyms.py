"""Pseudonymous actor ids, keyed by a secret kept in the project folder.

An actor id is ``A-`` and the first 16 hex characters of HMAC-SHA256(secret, survey name +
submission key), the submission key being the platform's id (``_uuid``, LimeSurvey ``id``)
or ``file#row``. Without the secret, nobody can recompute an id from an export; with it, the
same submission of the same questionnaire always gets the same id. Two questionnaires of one
project never share ids, even when their platforms number respondents alike.

The secret is a random key written on first run to ``.diagnostic-secret`` beside the project
file; it is never copied into an output. Readers called outside a project use a key drawn
for the session: their ids are stable only within it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from diagnostic._io.atomic import create_private
from diagnostic._io.text import read_text
from diagnostic.errors import DiagnosticError

#: The secret's file, in the project folder.
SECRET_FILE = ".diagnostic-secret"
#: Hex characters of the HMAC kept in an id (64 bits: no collision below billions of actors).
ID_LENGTH = 16
_NOTE = (
    "# Clé secrète de ce projet de diagnostic : elle rend les identifiants des acteurs\n"
    "# impossibles à retrouver à partir des exports. Ne la publiez pas, ne la joignez à\n"
    "# aucun envoi ; conservez-la avec le projet : la perdre change tous les identifiants.\n"
)
_HEX = re.compile(r"[0-9a-f]{32,}")
_SESSION = secrets.token_bytes(32)
_KEY: ContextVar[tuple[bytes, str] | None] = ContextVar("diagnostic_pseudonym_key", default=None)


def project_secret(folder) -> bytes:
    """The project's secret, read from ``folder/.diagnostic-secret`` or created there.

    Creation is atomic: two runs starting together end up with the same secret.

    Raises
    ------
    DiagnosticError
        The file is unreadable or holds no key, or the folder is not writable.
    """
    path = Path(folder) / SECRET_FILE
    if not path.exists():
        _create(path)
    lines = read_text(path, utf8_only=True).splitlines()
    keys = [line.strip().lower() for line in lines if _HEX.fullmatch(line.strip().lower())]
    if not keys:
        raise DiagnosticError(
            "le fichier ne contient pas de clé (64 caractères hexadécimaux). Restaurez-le "
            "depuis une sauvegarde, ou supprimez-le pour en créer une nouvelle (les "
            "identifiants des acteurs changeront).",
            file=SECRET_FILE,
        )
    return bytes.fromhex(keys[0][: len(keys[0]) // 2 * 2])


def _create(path: Path) -> None:
    try:
        create_private(path, _NOTE + secrets.token_hex(32) + "\n")
    except OSError as exc:
        raise DiagnosticError(
            f"impossible de créer la clé secrète du projet dans {path.parent} ({exc.strerror}).",
            file=SECRET_FILE,
        ) from None


@contextmanager
def keyed(secret: bytes, survey: str):
    """Within the block, `actor_pseudonym` keys ids by `secret` and the survey's name."""
    token = _KEY.set((bytes(secret), str(survey)))
    try:
        yield
    finally:
        _KEY.reset(token)


def pseudonymizer(secret: bytes | None = None, survey: str | None = None):
    """A function key -> actor id for one survey; by default the key set by `keyed`, else
    the session's key."""
    if secret is None:
        secret, survey = _KEY.get() or (_SESSION, "")
    base = hmac.new(secret, (survey or "").encode("utf-8") + b"\x1f", hashlib.sha256)

    def pseudonym(key: str) -> str:
        mac = base.copy()
        mac.update(key.encode("utf-8"))
        return "A-" + mac.hexdigest()[:ID_LENGTH]

    return pseudonym


def actor_pseudonym(key: str, secret: bytes | None = None, survey: str | None = None) -> str:
    """The id of the submission `key` (see the module's docstring).

    >>> actor_pseudonym("uuid-1", b"k", "acteurs") == actor_pseudonym("uuid-1", b"k", "acteurs")
    True
    >>> actor_pseudonym("uuid-1", b"k", "acteurs") != actor_pseudonym("uuid-1", b"k", "communes")
    True
    """
    return pseudonymizer(secret, survey)(key)
