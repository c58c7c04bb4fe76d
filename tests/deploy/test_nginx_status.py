"""The nginx examples of the deployment in front of a real status page (the three-day generator run's): Debian's
nginx started on 127.0.0.1 with each example's server block as it is, but for what a test machine must change
(a plain listener on a free port instead of TLS on 443, the folder, the password file). It shows what
docs/deployment.md section 14 says of them: the login first, GET and HEAD only, the files being written and
symbolic links never served, gzip, and a Content-Security-Policy under which the page still draws its map."""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.browser import browser_page, need_chromium
from tests.deploy.services import wait_for
from tests.smtp_server import free_port
from tests.status_page_site import three_days

# a generator run (shared), nginx, and Chromium over it
pytestmark = [pytest.mark.pipeline, pytest.mark.server, pytest.mark.browser]

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
USER, PASSWORD = "joint-office", "川渝 2026"
AUTH = (USER, PASSWORD.encode("utf-8"))


def need_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.skip("nginx not installed (make test installs Debian's nginx: .ci/system-packages)")
    return found


def adapted(example: str, changes: dict[str, str]) -> str:
    """The example with each line given replaced; every one must be there once (a changed example fails here)."""
    for old, new in changes.items():
        assert example.count(old) == 1, f"{old!r} is not once in the example"
        example = example.replace(old, new)
    return example


def main_config(tmp: Path, server_block: Path) -> str:
    """nginx's main file around the example's server block: everything under ``tmp``, workers as this user."""
    temp = "\n".join(
        f"  {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would be nobody, who cannot read tmp
    return (
        f"{user}pid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
        f"http {{\n  access_log {tmp / 'access.log'};\n{temp}\n  include {server_block};\n}}\n"
    )


@contextlib.contextmanager
def nginx(tmp: Path, server_block: str, port: int):
    binary = need_nginx()
    (tmp / "server.conf").write_text(server_block, encoding="utf-8")
    (tmp / "nginx.conf").write_text(main_config(tmp, tmp / "server.conf"), encoding="utf-8")
    test = subprocess.run([binary, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen([binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}"

    def listening() -> bool:
        assert proc.poll() is None, (tmp / "error.log").read_text()
        try:
            return requests.head(url, timeout=1) is not None
        except requests.ConnectionError:
            return False

    try:
        wait_for(listening, 20, "nginx listening", interval=0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def status(tmp_path_factory) -> Path:
    """A copy of the page (the tests add a file being written and a symbolic link to it)."""
    need_nginx()
    folder = tmp_path_factory.mktemp("nginx") / "status"
    shutil.copytree(three_days(tmp_path_factory) / "status", folder)
    (folder / ".overview.json.tmp").write_text('{"half": ', encoding="utf-8")  # as replace_file leaves it mid-write
    (folder / "passwd.json").symlink_to("/etc/passwd")
    return folder


@pytest.fixture(scope="module")
def office(status, tmp_path_factory):
    """The office's example (TLS and a login on the proxy), at /status/."""
    tmp = tmp_path_factory.mktemp("nginx_office")
    digest = base64.b64encode(hashlib.sha1(PASSWORD.encode("utf-8")).digest()).decode()
    (tmp / "htpasswd").write_text(f"{USER}:{{SHA}}{digest}\n", encoding="utf-8")  # as htpasswd -s writes it
    port = free_port()
    block = adapted(
        (EXAMPLES / "envmon-status.conf").read_text(encoding="utf-8"),
        {
            "listen 443 ssl;": f"listen 127.0.0.1:{port};",
            "    ssl_certificate     /etc/ssl/envmon/fullchain.pem;   # the office's certificate\n": "",
            "    ssl_certificate_key /etc/ssl/envmon/privkey.pem;\n": "",
            "alias /var/lib/envmon/data/status/;": f"alias {status}/;",
            "auth_basic_user_file /etc/nginx/envmon.htpasswd;": f"auth_basic_user_file {tmp / 'htpasswd'};",
        },
    )
    with nginx(tmp, block, port) as url:
        yield url + "/status/"


@pytest.fixture(scope="module")
def container(status, tmp_path_factory):
    """The compose service's example (behind the office's proxy: no login of its own), at /."""
    tmp = tmp_path_factory.mktemp("nginx_compose")
    port = free_port()
    block = adapted(
        (EXAMPLES / "envmon-status.compose.conf").read_text(encoding="utf-8"),
        {"listen 8080;": f"listen 127.0.0.1:{port};", "root /srv/envmon/status;": f"root {status};"},
    )
    with nginx(tmp, block, port) as url:
        yield url + "/"


def test_the_office_example_asks_for_the_login_first(office, status):
    for path in ("", "overview.json", "alert.html", "nothing-here"):
        refused = requests.get(office + path, timeout=10)
        assert refused.status_code == 401, path
        assert "川南渝西联防联控看板".encode() in refused.headers["WWW-Authenticate"].encode("latin-1")
    assert requests.get(office, auth=(USER, b"wrong"), timeout=10).status_code == 401
    page = requests.get(office, auth=AUTH, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert page.content == (status / "index.html").read_bytes()
    moved = requests.get(office.rstrip("/"), auth=AUTH, timeout=10, allow_redirects=False)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/status/")


@pytest.mark.parametrize("served", ["office", "container"])
def test_read_only_no_hidden_files_no_links_gzip(served, request, status):
    url = request.getfixturevalue(served)
    auth = AUTH if served == "office" else None
    get = lambda path, **kw: requests.get(url + path, auth=auth, timeout=10, **kw)  # noqa: E731
    data = get("overview.json")
    assert data.status_code == 200 and data.content == (status / "overview.json").read_bytes()
    assert data.headers["Cache-Control"] == "no-cache" and data.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.head(url + "overview.json", auth=auth, timeout=10).status_code == 200
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert requests.request(method, url + "overview.json", auth=auth, data=b"{}", timeout=10).status_code == 403
    assert (status / "overview.json").read_text(encoding="utf-8") != "{}"
    assert get(".overview.json.tmp").status_code == 403  # a file being written is never served
    assert get("passwd.json").status_code in (403, 404)  # nor a link out of the folder
    assert get("").text.count("<script") >= 1 and get("nothing-here").status_code == 404
    for path, kind in (("overview.json", "application/json"), ("vendor/echarts/echarts.min.js", "javascript")):
        packed = get(path, headers={"Accept-Encoding": "gzip"}, stream=True)
        assert kind in packed.headers["Content-Type"] and packed.headers.get("Content-Encoding") == "gzip", path
        raw = packed.raw.read(decode_content=False)
        assert gzip.decompress(raw) == (status / path).read_bytes() and len(raw) < len(gzip.decompress(raw)) / 2


def test_the_page_draws_its_map_under_the_office_examples_security_policy(office):
    need_chromium()
    policy = requests.get(office, auth=AUTH, timeout=10).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    problems: list[str] = []
    with browser_page() as page:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        page.set_extra_http_headers({"Authorization": f"Basic {token}"})
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(office)
        page.wait_for_selector("body[data-ready]")
        assert page.evaluate("document.body.dataset.ready") == "true"
        assert page.evaluate("statusChart.getModel().getComponent('geo').coordinateSystem.regions.length") == 10
        page.goto(office + "assessment.html")
        page.wait_for_load_state("networkidle")
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    assert [p for p in problems if "favicon" not in p] == []
    assert [r for r in requested if not r.startswith(office) and not r.startswith("data:")] == []
    assert page.failed_requests == []
