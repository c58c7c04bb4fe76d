"""Live sources fail fast without network: connect and read timeouts, and one deadline per run that stops every
request, retry and page once it is spent (against servers on 127.0.0.1 that accept and never answer, or drip)."""

import datetime as dt
import socket
import threading

import pytest

from assets.air.sources import SourceOptions
from assets.catalog.stations import load_station_catalog
from assets.http_sources.client import HttpClient, HttpDeadlineError, HttpSourceError
from assets.http_sources.deadline import Deadline, HttpLimits
from assets.http_sources.open_meteo import fetch_hourly
from assets.http_sources.openaq import openaq_source, paged
from assets.settings import HttpSettings
from tests.http_replay import Delay, ReplayServer, json_body
from tests.silent_servers import BlackHole, SlowDrip

pytestmark = pytest.mark.server


def limits(connect=1.0, read=1.0, deadline=3.0) -> HttpLimits:
    return HttpLimits.starting_now(connect, read, deadline)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_settings_and_their_defaults():
    s = HttpSettings.from_env({})
    assert (s.http_connect_timeout, s.http_read_timeout, s.http_deadline) == (10.0, 30.0, 60.0)
    s = HttpSettings.from_env({"ENVMON_HTTP_CONNECT_TIMEOUT": "2", "ENVMON_HTTP_DEADLINE": "5.5"})
    assert (s.http_connect_timeout, s.http_deadline) == (2.0, 5.5)
    with pytest.raises(ValueError, match="ENVMON_HTTP_DEADLINE is 0"):
        HttpLimits.starting_now(10, 30, 0)
    with pytest.raises(ValueError, match="ENVMON_HTTP_READ_TIMEOUT is -1"):
        HttpLimits.starting_now(10, -1, 60)


def test_the_deadline_counts_the_time_waited_without_an_answer():
    clock = FakeClock()
    d = Deadline(10, clock)
    with d.waiting():
        clock.now += 8
        d.answered()  # an answer after 8 s: ten more seconds
        clock.now += 6
    clock.now += 500  # between requests (a validation step, the models): not waiting on a live source
    assert d.remaining() == pytest.approx(4)
    with d.waiting():
        clock.now += 3
        assert d.remaining() == pytest.approx(1)
        clock.now += 1
        assert d.spent
        d.answered()  # once spent the run has given up: nothing restarts it
    assert d.spent


def test_a_server_that_accepts_and_never_answers_stops_at_the_deadline():
    """Read timeout 1 s, deadline 3 s, 4 retries: without the deadline 5 attempts (and 15 s of back-off); with it
    the second attempt gets what is left (1 s) and then no retry is made."""
    with BlackHole() as hole:
        client = HttpClient.within("open_meteo", limits(), per_host_per_second=0)
        with pytest.raises(HttpDeadlineError) as err:
            client.get(hole.url + "/v1/air-quality", {"latitude": 29.3})
        attempts = len(hole.connections)
    message = str(err.value)
    assert message.startswith("open_meteo: no answer from 127.0.0.1 within ENVMON_HTTP_DEADLINE=3 s (read timed out")
    assert message.endswith(
        "(ENVMON_HTTP_READ_TIMEOUT=1 s), 2 attempt(s)): check the network or raise ENVMON_HTTP_DEADLINE"
    )
    assert "\n" not in message
    assert attempts == 2 and client.waits == [1.0]


def test_once_the_deadline_is_spent_no_other_request_of_the_run_is_made():
    run = limits(deadline=2.0)
    with BlackHole() as hole, ReplayServer({"/ok": [(200, "{}", {})]}) as srv:
        with pytest.raises(HttpDeadlineError):
            HttpClient.within("openaq", run, per_host_per_second=0).get(hole.url + "/v3/locations")
        other = HttpClient.within("open_meteo", run, per_host_per_second=0)  # another source of the same run
        with pytest.raises(
            HttpDeadlineError,
            match=r"not asked, the run gave up earlier: read timed out \(ENVMON_HTTP_READ_TIMEOUT=1 s\)\)",
        ):
            other.get(srv.url + "/ok")
    assert srv.requests == []


def test_the_error_fits_the_one_line_of_a_failed_run_with_the_public_hosts():
    """`envmon run` cuts a failure at 300 characters, Dagster puts the class before it: the worst case fits."""
    d = Deadline(600)
    d.last_failure = ("read timed out (ENVMON_HTTP_READ_TIMEOUT=120 s)", "air-quality-api.open-meteo.com")
    longest = HttpDeadlineError("openaq", "", "api.openaq.org", d, "", 0)
    line = f"assets.http_sources.client.HttpDeadlineError: {longest}"
    assert len(line) <= 300 and "at air-quality-api.open-meteo.com" in line, (len(line), line)


def test_a_slow_drip_is_stopped_at_the_deadline_although_no_read_times_out():
    """A byte every 0.2 s (56 bytes, 11 s): every socket read succeeds within the read timeout of 1 s."""
    with SlowDrip() as drip:
        client = HttpClient.within("livefeed", limits(read=1.0, deadline=2.0), per_host_per_second=0)
        with pytest.raises(HttpDeadlineError, match=r"answer still incomplete \(\d+ byte\(s\) of the answer read"):
            client.get(drip.url + "/feed")
        assert len(drip.connections) == 1


def test_a_refused_connection_is_retried_only_while_the_deadline_allows():
    """Nothing listens (connection refused at once): back-off 1 s, 2 s... the retry after the one that would
    come after the deadline (3 s) is not made."""
    client = HttpClient.within("openaq", limits(deadline=3.0), per_host_per_second=0)
    with pytest.raises(HttpDeadlineError, match=r"connection failed \(ConnectionRefusedError\), 2 attempt\(s\)"):
        client.get("http://127.0.0.1:9/v3/locations")
    assert client.waits == [1.0]


def test_answers_keep_a_long_run_going_and_time_between_requests_does_not_count():
    clock = FakeClock()
    run = HttpLimits(1.0, 1.0, Deadline(5, clock))
    with ReplayServer({"/a": [(200, "{}", {})]}) as srv:
        client = HttpClient.within("open_meteo", run, per_host_per_second=0)
        for _ in range(3):
            clock.now += 100  # other steps of the run
            assert client.get_json(srv.url + "/a") == {}
    assert run.deadline.remaining() == 5


def test_a_retry_after_beyond_the_deadline_fails_the_request_not_the_run():
    with ReplayServer({"/a": [(503, "busy", {"Retry-After": "30"})]}) as srv:
        client = HttpClient.within("openaq", limits(deadline=5.0), per_host_per_second=0)
        with pytest.raises(HttpSourceError) as err:
            client.get(srv.url + "/a")
    assert not isinstance(err.value, HttpDeadlineError) and err.value.status == 503
    assert "a retry in 30 s would come after ENVMON_HTTP_DEADLINE" in str(err.value)
    assert len(srv.requests) == 1


def test_pagination_stops_at_the_deadline():
    """Page 1 answers (full: there may be more), page 2 never does: one attempt at it, as the back-off before a
    second would end after the deadline (renewed by page 1's answer)."""
    full_page = (200, json_body({"results": [{"id": 1}, {"id": 2}]}), {})
    with ReplayServer({"/v3/locations": [full_page, Delay(30)]}) as srv:
        client = HttpClient.within("openaq", limits(read=1.0, deadline=2.0), per_host_per_second=0)
        with pytest.raises(HttpDeadlineError, match="no answer from 127.0.0.1"):
            paged(client, srv.url + "/v3/locations", {}, limit=2)
        pages = [r["query"]["page"] for r in srv.requests]
    assert pages == ["1", "2"]


def test_open_meteo_asks_no_other_area_once_the_deadline_is_spent():
    with BlackHole() as hole:
        client = HttpClient.within("open_meteo", limits(read=1.0, deadline=3.0), per_host_per_second=0)
        with pytest.raises(HttpDeadlineError, match="no answer from 127.0.0.1"):
            fetch_hourly(client, hole.url, load_station_catalog(None), dt.date(2026, 12, 5), dt.date(2026, 12, 6))
        attempts = len(hole.connections)
    assert attempts == 2  # the first area's two attempts; the nine others are not asked


def test_openaq_sensors_stop_at_the_deadline_instead_of_being_skipped_one_by_one():
    """The locations answer, the sensors' hours never do: the source fails naming the host after the first
    sensor's attempt, instead of skipping five sensors one timeout after another."""
    catalog = load_station_catalog(None)
    station = catalog.row(0, named=True)
    location = {
        "id": 7,
        "name": "near",
        "coordinates": {"latitude": station["lat"], "longitude": station["lon"]},
        "sensors": [{"id": 100 + i, "parameter": {"name": "pm25", "units": "µg/m³"}} for i in range(5)],
    }
    routes = {
        "/v3/locations": [(200, json_body({"results": [location]}), {})],
        **{f"/v3/sensors/{100 + i}/hours": [Delay(30)] for i in range(5)},
    }
    with ReplayServer(routes) as srv:
        options = SourceOptions(openaq_url=srv.url, openaq_api_key="k" * 8, http=limits(read=1.0, deadline=2.0))
        with pytest.raises(HttpDeadlineError, match="openaq: no answer from 127.0.0.1"):
            openaq_source(dt.date(2026, 12, 5), catalog, options)
        asked = [r["path"] for r in srv.requests]
    assert asked == ["/v3/locations", "/v3/sensors/100/hours"]


def test_a_name_lookup_that_never_ends_is_bounded_too():
    """An unreachable DNS server: getaddrinfo blocks for the resolver's own timeouts, which requests does not
    bound; the lookup is waited for at most the connect timeout (1 s) within the deadline (3 s)."""
    release = threading.Event()
    lookups = []

    def stuck_dns(host, port):
        lookups.append(host)
        release.wait(60)  # as a resolver that waits for an answer that never comes
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    client = HttpClient.within("open_meteo", limits(connect=1.0, deadline=3.0), per_host_per_second=0)
    client.resolve = stuck_dns
    try:
        with pytest.raises(HttpDeadlineError) as err:
            client.get("https://air-quality-api.open-meteo.com/v1/air-quality")
    finally:
        release.set()
    assert "no answer from air-quality-api.open-meteo.com within ENVMON_HTTP_DEADLINE=3 s" in str(err.value)
    assert "(name lookup (DNS) timed out (ENVMON_HTTP_CONNECT_TIMEOUT=1 s), 2 attempt(s))" in str(err.value)
    assert lookups == ["air-quality-api.open-meteo.com"] * 2


def test_a_host_is_looked_up_once_and_addresses_never():
    lookups = []

    def dns(host, port):
        lookups.append(host)
        return socket.getaddrinfo("127.0.0.1", port)

    with ReplayServer({"/a": [(200, "{}", {})]}) as srv:
        client = HttpClient.within("livefeed", limits(), per_host_per_second=0)
        client.resolve = dns
        for _ in range(2):
            client.get(srv.url + "/a")  # 127.0.0.1: an address, no lookup
            client.get(srv.url.replace("127.0.0.1", "localhost") + "/a")
    assert lookups == ["localhost"]
