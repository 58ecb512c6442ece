"""JupyterHub serving the collective's app with Voila: one single-user server per
participant (its own kernel, its own memory), behind JupyterHub's login.

Tested by tests/apps/test_jupyterhub.py (local processes, a shared password). For a real
room, replace the authenticator and the spawner (see docs/atelier.md, « Au-delà d'une
machine »). Read from the environment:

- DIAGNOSTIC_PROJECT, DIAGNOSTIC_OUT: the project file and the output folder;
- ATELIER_PYTHON: the Python of the environment with diagnostic, Voila and JupyterHub
  (default: the hub's own Python);
- ATELIER_PYTHONPATH: added to the single-user servers' PYTHONPATH (optional);
- ATELIER_PORT, ATELIER_HUB_PORT, ATELIER_PROXY_API_PORT: the public port, the hub's own
  and the proxy's API (default 8000, 8081, 8001);
- ATELIER_STATE: folder for the hub's database, cookie secret and the participants' home
  folders (default: here);
- ATELIER_PASSWORD: the password shared by the room (at least 8 characters);
- ATELIER_PROXY: the configurable-http-proxy command (default: found on PATH);
- ATELIER_IDLE_SECONDS: a participant's server without kernel nor activity this long
  stops by itself (default 1800).
"""

import os
import sys
from pathlib import Path

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (given by JupyterHub)

ROOT = Path(__file__).resolve().parents[1]
env = os.environ
state = Path(env.get("ATELIER_STATE", Path(__file__).parent))

c.JupyterHub.ip = "0.0.0.0"
c.JupyterHub.port = int(env.get("ATELIER_PORT", 8000))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env.get("ATELIER_HUB_PORT", 8081))
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env.get('ATELIER_PROXY_API_PORT', 8001)}"
if env.get("ATELIER_PROXY"):
    c.ConfigurableHTTPProxy.command = [env["ATELIER_PROXY"]]

# any name, one password shared by the room (JupyterHub 5.3+); for accounts of one's
# own, another authenticator (NativeAuthenticator, an organisation's OAuth…)
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["ATELIER_PASSWORD"]
c.Authenticator.allow_all = True

# each participant: a Jupyter server of its own, opening the app with Voila
c.JupyterHub.spawner_class = "simple"  # local processes (DockerSpawner for a real room)
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [env.get("ATELIER_PYTHON", sys.executable), "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(ROOT / "notebooks")
c.Spawner.default_url = "/voila/render/application.ipynb"
c.Spawner.environment = {
    key: env[key] for key in ("DIAGNOSTIC_PROJECT", "DIAGNOSTIC_OUT") if env.get(key)
} | ({"PYTHONPATH": env["ATELIER_PYTHONPATH"]} if env.get("ATELIER_PYTHONPATH") else {})
c.Spawner.args = [
    "--allow-root",  # the test machine runs as root; harmless otherwise
    "--VoilaConfiguration.show_tracebacks=False",
    # the kernel of a closed page goes after a while, as in diagnostic atelier
    "--MappingKernelManager.cull_idle_timeout=900",
    "--MappingKernelManager.cull_connected=False",
    "--MappingKernelManager.cull_interval=30",
    # no terminals: a participant's server runs the app, not a shell
    "--ServerApp.terminals_enabled=False",
    # the server itself stops once it has had no kernel and no activity for a while
    f"--ServerApp.shutdown_no_activity_timeout={env.get('ATELIER_IDLE_SECONDS', 1800)}",
]
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
