"""The collective's app served to a workshop room (``diagnostic atelier``, ``make atelier``).

Voila serves ``notebooks/application.ipynb`` on every interface of the machine, always behind
a token (generated with `secrets`, printed with the full address and a QR code for the room's
phones). Participants' pages are read-only; the facilitator's address carries a second
secret (`diagnostic.apps.base.FACILITATOR_PARAM`) that opens the save buttons. Each page is a
kernel (a Python process): idle kernels are shut down after a while, and no more run at
once than the machine's memory holds.

Internal: reached through the command line.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

from diagnostic.apps.base import FACILITATOR_ENV, FACILITATOR_PARAM
from diagnostic.errors import DiagnosticError

#: The app's notebook, in the project's repository.
NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "application.ipynb"

#: Where Voila finds the apps' template « diagnostic » (Voila's « lab » without calls to an
#: outside server): a Jupyter data folder to put first in ``JUPYTER_PATH``.
VOILA_TEMPLATES = Path(__file__).resolve().parent / "jupyter"
VOILA_TEMPLATE = "diagnostic"


def with_voila_templates(environ: dict[str, str]) -> dict[str, str]:
    """`environ` with `VOILA_TEMPLATES` first in its ``JUPYTER_PATH``."""
    rest = environ.get("JUPYTER_PATH")
    return {**environ, "JUPYTER_PATH": os.pathsep.join(filter(None, [str(VOILA_TEMPLATES), rest]))}


def local_voila(notebook: Path, port: int) -> list[str]:
    """The command that serves `notebook` on 127.0.0.1:`port` with the apps' template (run
    it with `with_voila_templates` of the environment): the tests' and the guide's
    screenshots' way to serve an app, as ``make app`` does."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--template={VOILA_TEMPLATE}",
    ]


DEFAULT_PORT = 8866
#: A page left alone this long loses its kernel (the visitor reloads it).
DEFAULT_IDLE_MINUTES = 15
#: A closed page (its kernel without any connection left) loses its kernel after this many
#: seconds. Voila's page asks for the shutdown when it unloads, but its own server refuses
#: it (403: Voila 0.5's page gets no ``_xsrf`` cookie to send), and a phone that kills a tab
#: in the background, or a browser that quits, sends nothing.
DEFAULT_CLOSED_SECONDS = 60
#: Memory one open page takes, measured on the example (bench/bench_atelier.py, README
#: « Atelier »): its kernel ~280 MB, and ~110 MB more in the server.
MB_PER_VISITOR = 400
#: Visitors at once when the machine's free memory cannot be read.
DEFAULT_MAX_VISITORS = 10
#: Shortest token accepted (characters): a guessable token would open the app to anyone
#: on the room's network.
MIN_TOKEN = 16


@dataclass(frozen=True)
class Room:
    """How the app is served to the room.

    Attributes
    ----------
    token : str
        The server's token: without it, nothing is served.
    secret : str
        The facilitator's secret: with it in the address, the page may save.
    host : str
        The machine's address on the room's network, for the printed addresses.
    port, idle_minutes, max_visitors : int
    closed_seconds : int
        Seconds after which the kernel of a closed page is shut down.
    """

    token: str
    secret: str
    host: str
    port: int = DEFAULT_PORT
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    max_visitors: int = DEFAULT_MAX_VISITORS
    closed_seconds: int = DEFAULT_CLOSED_SECONDS

    @property
    def participant_url(self) -> str:
        return f"http://{self.host}:{self.port}/?token={self.token}"

    @property
    def facilitator_url(self) -> str:
        return f"{self.participant_url}&{FACILITATOR_PARAM}={self.secret}"


def default_max_visitors() -> int:
    """As many pages as 80 % of the memory available now holds (`MB_PER_VISITOR` each),
    from 1 to 50; `DEFAULT_MAX_VISITORS` when it cannot be read."""
    try:
        import psutil  # with ipykernel, which Voila's kernels need
    except ImportError:  # pragma: no cover
        return DEFAULT_MAX_VISITORS
    available = psutil.virtual_memory().available / 2**20
    return max(1, min(50, int(available * 0.8 // MB_PER_VISITOR)))


def room_host() -> str:
    """This machine's address on the local network (the interface of the default route),
    or ``127.0.0.1`` when it has none. Nothing is sent: a UDP socket only picks its route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def new_room(
    token: str | None = None,
    *,
    port: int = DEFAULT_PORT,
    idle_minutes: int = DEFAULT_IDLE_MINUTES,
    max_visitors: int | None = None,
    host: str | None = None,
    closed_seconds: int = DEFAULT_CLOSED_SECONDS,
) -> Room:
    """A `Room` with a new token (unless `token` is given) and a new facilitator secret;
    `max_visitors` by default from the memory available (`default_max_visitors`).

    Raises `DiagnosticError` for an empty or short token, a bad port or bad limits.
    """
    if token is None:
        token = secrets.token_urlsafe(18)
    token = token.strip()
    if len(token) < MIN_TOKEN or not token.replace("-", "").replace("_", "").isalnum():
        raise DiagnosticError(
            f"le jeton doit compter au moins {MIN_TOKEN} lettres, chiffres, « - » ou « _ » : "
            "sans jeton sûr, n'importe qui sur le réseau de la salle ouvrirait l'application. "
            "Laissez --jeton de côté pour qu'il soit tiré au hasard."
        )
    if not 1 <= port <= 65535:
        raise DiagnosticError(f"port {port} impossible : choisissez un nombre de 1 à 65535.")
    if max_visitors is None:
        max_visitors = default_max_visitors()
    if idle_minutes < 1 or max_visitors < 1 or closed_seconds < 1:
        raise DiagnosticError(
            "--inactivite, --max-visiteurs et --page-fermee doivent valoir au moins 1 "
            "(minutes, visiteurs, secondes)."
        )
    return Room(
        token,
        secrets.token_urlsafe(18),
        host or room_host(),
        port,
        idle_minutes,
        max_visitors,
        closed_seconds,
    )


def qr_text(url: str) -> str:
    """`url` as a QR code drawn with text blocks, to show on a screen: segno (pure Python,
    no dependency, draws in a terminal on its own) with two modules per character line."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def banner(room: Room, decisions: Path | None = None) -> str:
    """What ``diagnostic atelier`` prints: the addresses, the QR code, the limits, and
    where the facilitator's decisions are saved."""
    where = [f"Décisions enregistrées dans : {decisions}", ""] if decisions else []
    return "\n".join(
        [
            "Atelier : l'application est servie à toute la salle (toutes les interfaces, "
            f"port {room.port}).",
            "",
            "Participants (lecture seule), à montrer à l'écran :",
            f"  {room.participant_url}",
            "",
            qr_text(room.participant_url),
            "Animation (enregistre les décisions) — à garder pour vous, ne pas projeter :",
            f"  {room.facilitator_url}",
            "",
            *where,
            f"Au plus {room.max_visitors} pages ouvertes à la fois ; une page inactive depuis "
            f"{room.idle_minutes} min est fermée (il suffit de la recharger) ; la mémoire "
            f"d'une page fermée est libérée après {room.closed_seconds} s.",
            "Arrêt : Ctrl-C.",
        ]
    )


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
        except OSError as exc:
            busy = exc.errno == errno.EADDRINUSE
            raise DiagnosticError(
                f"port {port} : "
                + ("déjà utilisé par un autre programme" if busy else (exc.strerror or "refusé"))
                + " ; choisissez-en un autre avec --port."
            ) from None


def voila_config(room: Room):
    """The traitlets configuration of Voila for `room` (token, interfaces, kernels)."""
    from traitlets.config import Config

    c = Config()
    c.Voila.ip = "0.0.0.0"
    c.Voila.port = room.port
    c.Voila.port_retries = 0  # the printed address is the one served, or nothing
    c.Voila.open_browser = False
    c.Voila.token = room.token
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.template = VOILA_TEMPLATE
    c.VoilaConfiguration.multi_kernel_manager_class = "diagnostic.apps.serve.RoomKernelManager"
    c.RoomKernelManager.max_kernels = room.max_visitors
    c.RoomKernelManager.closed_timeout = room.closed_seconds
    # jupyter_server's culler: a kernel without activity for idle_minutes is shut down, even
    # with its page still open (a phone put to sleep keeps its connection); it runs often
    # enough for a closed page's kernel to go about closed_seconds after (RoomKernelManager)
    c.MappingKernelManager.cull_idle_timeout = room.idle_minutes * 60
    c.MappingKernelManager.cull_interval = max(1, min(60, room.closed_seconds // 4))
    c.MappingKernelManager.cull_connected = True
    c.MappingKernelManager.cull_busy = False
    return c


def serve(
    room: Room,
    project: Path,
    outdir: Path,
    *,
    notebook: Path = NOTEBOOK,
    say: Callable[[str], None] | None = None,
) -> int:
    """Serve the collective's app of `project` to the room until Ctrl-C or SIGTERM.

    The decisions are saved in the project's decisions file, or in `outdir` for the
    embedded example (see `diagnostic.apps.collective.project_decisions_path`).
    The server's environment carries the project, the output folder and the SHA-256 of the
    facilitator's secret to each visitor's kernel; the token is never put on a command line.
    """
    from voila.app import Voila

    from diagnostic._io.atomic import check_output_folder

    say = say or (lambda text: print(text, flush=True))
    if not Path(notebook).is_file():
        raise DiagnosticError(
            f"le carnet de l'application « {notebook} » est introuvable ; lancez la commande "
            "depuis le dépôt du projet (make atelier)."
        )
    if not Path(project).is_file():
        raise DiagnosticError(f"fichier de projet « {project} » introuvable.")
    check_output_folder(Path(outdir))
    _check_port_free(room.port)
    os.environ["DIAGNOSTIC_PROJECT"] = str(Path(project).resolve())
    os.environ["DIAGNOSTIC_OUT"] = str(Path(outdir).resolve())
    os.environ[FACILITATOR_ENV] = hashlib.sha256(room.secret.encode("utf-8")).hexdigest()
    os.environ["JUPYTER_PATH"] = with_voila_templates(dict(os.environ))["JUPYTER_PATH"]
    from diagnostic.apps.collective import project_decisions_path
    from diagnostic.project.file import read_project

    decisions = project_decisions_path(read_project(project))
    app = Voila(config=voila_config(room))
    app.initialize([str(notebook)])
    say(banner(room, decisions))
    app.start()  # returns when stopped (Ctrl-C, SIGTERM); kernels shut down
    return 0


#: Shown (as the error page's title) to a visitor beyond `RoomKernelManager.max_kernels`.
FULL = "Atelier complet : réessayez dans quelques minutes"


def _refusal() -> str:
    return (
        "L'atelier accueille déjà le nombre maximal de pages ouvertes. Réessayez dans "
        "quelques minutes (les pages inactives sont fermées), ou suivez sur l'écran de la salle."
    )


class RoomKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager, refusing a new page once `max_kernels` kernels run, and
    shutting down the kernel of a closed page after `closed_timeout` seconds.

    A closed page is a kernel without any websocket connection left, neither busy nor
    active for `closed_timeout` seconds: jupyter_server's culler shuts down only kernels
    idle for its one ``cull_idle_timeout`` (with ``cull_connected`` false, it would never
    shut down the kernel of a phone asleep with its page open; with it true, a closed
    page waits as long as an open one). Checked by the same culler, every
    ``cull_interval``.
    """

    max_kernels = Integer(0, help="Kernels at most at once (0: no limit).").tag(config=True)
    closed_timeout = Integer(
        0,
        help="Seconds after which a kernel without any connection left (its page closed) is "
        "shut down (0: only the idle culler).",
    ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0

    async def start_kernel(self, *args, **kwargs):
        known = kwargs.get("kernel_id") in self if kwargs.get("kernel_id") else False
        if (
            not known
            and self.max_kernels
            and len(self.list_kernel_ids()) + self._starting >= self.max_kernels
        ):
            self.log.warning("Atelier complet : %s pages ouvertes.", self.max_kernels)
            raise web.HTTPError(503, reason=FULL, log_message=_refusal())
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    def closed(self, kernel_id: str) -> bool:
        """Whether `kernel_id`'s page is closed: no connection, not busy, no activity for
        `closed_timeout` seconds (a page still loading is busy, or connects in time)."""
        kernel = self._kernels.get(kernel_id)
        if not self.closed_timeout or kernel is None or not hasattr(kernel, "last_activity"):
            return False
        quiet = datetime.now(UTC) - kernel.last_activity > timedelta(seconds=self.closed_timeout)
        return (
            quiet
            and not self._kernel_connections.get(kernel_id, 0)
            and getattr(kernel, "execution_state", None) != "busy"
        )

    async def cull_kernel_if_idle(self, kernel_id):
        if self.closed(kernel_id):
            self.log.info("Page fermée : noyau %s arrêté.", kernel_id)
            await self.shutdown_kernel(kernel_id)
            return
        await super().cull_kernel_if_idle(kernel_id)
