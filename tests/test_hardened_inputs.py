"""Hostile inputs: symbolic links in the landing folder and in --input, YAML alias bombs, upstream bodies that echo
a secret."""

import datetime as dt
import json
import os
import subprocess
import sys

import dagster as dg
import polars as pl
import pytest

from assets.air.archive import read_archive_day
from assets.air.assets import air_hourly, station_catalog
from assets.air.sources import SourceOptions
from assets.alerts.notify.contacts import ContactsError, load_contacts
from assets.alerts.rules.rules_config import load_rules
from assets.catalog.stations import load_station_catalog
from assets.http_sources.client import HttpClient, HttpSourceError
from assets.http_sources.livefeed import livefeed_source
from assets.ingest.files import BadFileError
from assets.resources import resources_for
from assets.water.landing import process_water_file
from assets.water.landing_scan import scan_landing
from assets.water.sections import load_sections
from tests.http_replay import FIXTURES, ReplayServer
from tests.water.test_water_files import platform_rows, write_csv
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess, pytest.mark.server]

PASSWD = "/etc/passwd"
PASSWD_FIRST_LINE = open(PASSWD, encoding="utf-8").readline().strip()
NOW = dt.datetime(2026, 12, 1, 9)
KEY = "oaq-SECRET-key-7f3a9c21"


def landing_ingest(data_dir, path):
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        return process_water_file(con, path, paths, load_sections(), NOW)


def test_a_link_in_the_landing_folder_is_rejected_unread(data_dir):
    landing = DataPaths(data_dir).landing / "water"
    landing.mkdir(parents=True)
    link = landing / "passwd.csv"
    link.symlink_to(PASSWD)
    ready, cursor = scan_landing(landing, None, 0)
    ready, _ = scan_landing(landing, cursor, os.lstat(link).st_mtime + 60)  # settled: requested, keyed by the link
    assert [r.path.name for r in ready] == ["passwd.csv"] and ready[0].run_key.startswith("link-")
    outcome = landing_ingest(data_dir, link)
    assert outcome.status == "rejected" and "passwd.csv: symbolic link refused" in outcome.reason
    assert "ENVMON_ALLOW_SYMLINKS" in outcome.reason
    assert outcome.moved_to.is_symlink() and not link.exists() and not link.is_symlink()  # the link itself moved
    reason = outcome.moved_to.with_name(outcome.moved_to.name + ".reason.txt").read_text(encoding="utf-8")
    assert PASSWD_FIRST_LINE not in reason and PASSWD_FIRST_LINE not in outcome.reason


def test_allowed_links_load_and_links_outside_the_allowed_folders_do_not(tmp_path, data_dir, monkeypatch):
    exports = tmp_path / "centre_exports"
    exports.mkdir()
    real = write_csv(exports / "濑溪河_2026-11-20.csv", platform_rows(["2026-11-20 04:00", "2026-11-20 08:00"]))
    landing = DataPaths(data_dir).landing / "water"
    landing.mkdir(parents=True)
    (landing / real.name).symlink_to(real)
    (landing / "escape.csv").symlink_to(PASSWD)
    (landing / "hop.csv").symlink_to(exports / "hop_to_passwd.csv")  # a link inside the folder, to outside
    (exports / "hop_to_passwd.csv").symlink_to(PASSWD)
    monkeypatch.setenv("ENVMON_ALLOW_SYMLINKS", str(exports))
    loaded = landing_ingest(data_dir, landing / real.name)
    assert loaded.status == "loaded" and loaded.rows_staged == 2
    assert loaded.moved_to.is_file() and not loaded.moved_to.is_symlink()  # the archive keeps the content
    for name in ("escape.csv", "hop.csv"):
        refused = landing_ingest(data_dir, landing / name)
        assert refused.status == "rejected" and "outside the folders of ENVMON_ALLOW_SYMLINKS" in refused.reason
    assert real.exists()  # the centre's own file is untouched


def test_envmon_ingest_refuses_a_link_given_on_the_command_line(tmp_path, data_dir):
    link = tmp_path / "readings.csv"
    link.symlink_to(PASSWD)
    env = dict(os.environ, ENVMON_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dagster"))
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", str(link)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1 and "symbolic link refused" in result.stderr
    assert PASSWD_FIRST_LINE not in result.stdout + result.stderr
    assert not (DataPaths(data_dir).landing / "water" / "readings.csv").exists()


def test_archive_input_links_are_refused(tmp_path):
    day = dt.date(2023, 1, 20)
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "china_sites_20230120.csv").symlink_to(PASSWD)
    codes = pl.Series(["1001A"])
    with pytest.raises(BadFileError, match="symbolic link refused") as err:
        read_archive_day(folder, day, codes)
    assert PASSWD_FIRST_LINE not in str(err.value)
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(folder)  # --input itself a link
    with pytest.raises(BadFileError, match="linked: symbolic link refused"):
        read_archive_day(linked_folder, day, codes)


def test_livefeed_folder_skips_a_link_and_reads_the_rest(tmp_path):
    (tmp_path / "feed_2026111101.json").write_bytes((FIXTURES / "livefeed" / "feed_2026111101.json").read_bytes())
    (tmp_path / "feed_2026111102.json").symlink_to(PASSWD)
    batch = livefeed_source(dt.date(2026, 11, 11), load_station_catalog(), SourceOptions(input_path=str(tmp_path)))
    assert batch.rows.height > 0
    skipped = [p for p in batch.problems if "symbolic link refused" in p["message"]]
    assert [p["file"] for p in skipped] == [str(tmp_path / "feed_2026111102.json")]
    assert PASSWD_FIRST_LINE not in json.dumps(batch.problems)


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
contacts: [*i]
"""


def test_a_yaml_alias_bomb_in_the_contacts_fails_at_once_with_a_clear_message(tmp_path):
    path = tmp_path / "contacts.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(ContactsError, match=r"contacts.yaml: not valid YAML: line 2: YAML alias \*a refused"):
        load_contacts(path)


def test_yaml_tags_build_no_python_objects(tmp_path):
    touched = tmp_path / "pwned"
    path = tmp_path / "contacts.yaml"
    path.write_text(f"contacts:\n  - !!python/object/apply:os.system ['touch {touched}']\n", encoding="utf-8")
    with pytest.raises(ContactsError, match="not valid YAML"):
        load_contacts(path)
    assert not touched.exists()


def test_aliases_in_the_rules_are_refused_too(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("warning: &w {levels: []}\nregional: *w\nobserved: {}\nriver: {}\noutage: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rules.yaml: cannot read the alert rules: line 2: YAML alias \*w refused"):
        load_rules(path)


def test_a_body_that_echoes_the_key_never_reaches_the_error(monkeypatch):
    monkeypatch.setenv("ENVMON_OPENAQ_API_KEY", KEY)
    page = f"<html><body>Bad request: X-API-Key={KEY}</body></html>"
    with ReplayServer({"/v3/locations": [(200, page, {})]}) as srv:
        client = HttpClient("openaq", sleep=lambda s: None, per_host_per_second=0, headers={"X-API-Key": KEY})
        with pytest.raises(HttpSourceError) as err:
            client.get_json(srv.url + "/v3/locations")
    assert KEY not in str(err.value) and "X-API-Key=***" in str(err.value)


def test_the_openaq_key_echoed_upstream_is_not_in_dagster_event_storage(data_dir, monkeypatch):
    monkeypatch.setenv("ENVMON_OPENAQ_API_KEY", KEY)
    page = f"<!doctype html><h1>400</h1><p>Invalid request for key {KEY}</p>"
    instance = dg.DagsterInstance.ephemeral()
    with ReplayServer({"/v3/locations": [(200, page, {})]}) as srv:
        result = dg.materialize(
            [station_catalog, air_hourly],
            partition_key="2026-11-11",
            instance=instance,
            resources=resources_for(str(data_dir), air_source="openaq", openaq_url=srv.url),
            raise_on_error=False,
        )
    assert not result.success
    stored = "\n".join(repr(entry) for entry in instance.all_logs(result.run_id))
    assert "malformed JSON" in stored and "Invalid request for key ***" in stored
    assert KEY not in stored
