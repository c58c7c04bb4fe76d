"""The shared HTTP layer against a real local server: retries, back-off, Retry-After, timeouts, secrets."""

import pytest

from assets.http_sources.client import HttpClient, HttpSourceError, redact_url
from tests.http_replay import Delay, ReplayServer

pytestmark = pytest.mark.server


def client(**kw) -> HttpClient:
    kw.setdefault("backoff", 0.5)
    kw.setdefault("per_host_per_second", 0)
    return HttpClient("test-source", sleep=lambda s: None, **kw)


def test_500_then_success_is_retried_with_exponential_backoff():
    with ReplayServer({"/a": [(500, "oops", {}), (502, "bad gw", {}), (200, '{"ok": 1}', {})]}) as srv:
        c = client()
        assert c.get_json(srv.url + "/a") == {"ok": 1}
    assert len(srv.requests) == 3
    assert c.waits == [0.5, 1.0]


def test_429_honours_retry_after_seconds():
    with ReplayServer({"/a": [(429, "slow down", {"Retry-After": "7"}), (200, "[]", {})]}) as srv:
        c = client()
        assert c.get_json(srv.url + "/a") == []
    assert c.waits == [7.0]


def test_retry_after_is_capped():
    with ReplayServer({"/a": [(503, "", {"Retry-After": "86400"}), (200, "{}", {})]}) as srv:
        c = client(max_wait=30)
        c.get_json(srv.url + "/a")
    assert c.waits == [30]


def test_persistent_500_gives_a_clear_error_naming_source_url_and_status():
    with ReplayServer({"/v1/x": [(500, "down", {})]}) as srv:
        c = client(retries=2)
        with pytest.raises(HttpSourceError) as err:
            c.get_json(srv.url + "/v1/x", {"latitude": 29.3})
    msg = str(err.value)
    assert msg.startswith("test-source: GET http://127.0.0.1:") and "/v1/x?latitude=29.3" in msg
    assert "HTTP 500" in msg and "3 attempt(s)" in msg
    assert len(srv.requests) == 3


def test_404_is_not_retried():
    with ReplayServer({}) as srv:
        c = client()
        with pytest.raises(HttpSourceError, match="HTTP 404"):
            c.get(srv.url + "/missing")
    assert len(srv.requests) == 1


def test_read_timeout_is_retried_then_reported():
    with ReplayServer({"/slow": [Delay(1.0)]}) as srv:
        c = client(read_timeout=0.2, retries=1)
        with pytest.raises(HttpSourceError, match="timed out after 2 attempt"):
            c.get(srv.url + "/slow")
    assert c.waits == [0.5]


def test_timeout_then_success():
    with ReplayServer({"/slow": [Delay(1.0), (200, '{"v": 2}', {})]}) as srv:
        assert client(read_timeout=0.2).get_json(srv.url + "/slow") == {"v": 2}


def test_connection_refused_is_retried_then_reported():
    c = client(retries=2, connect_timeout=0.5)
    with pytest.raises(HttpSourceError, match="connection failed after 3 attempt"):
        c.get("http://127.0.0.1:9/nothing-listens-here")
    assert c.waits == [0.5, 1.0]


def test_malformed_json_is_a_clear_error():
    with ReplayServer({"/a": [(200, "<html>maintenance</html>", {"Content-Type": "text/html"})]}) as srv:
        with pytest.raises(HttpSourceError, match=r"malformed JSON.*maintenance"):
            client().get_json(srv.url + "/a")


def test_nan_infinity_and_overflows_in_json_are_read_as_missing_never_as_values():
    body = '{"results": [{"value": NaN}, {"value": Infinity}, {"value": -Infinity}, {"value": 1e999}, {"value": 12.5}]}'
    with ReplayServer({"/a": [(200, body, {"Content-Type": "application/json"})]}) as srv:
        values = [r["value"] for r in client().get_json(srv.url + "/a")["results"]]
    assert values == [None, None, None, None, 12.5]


def test_user_agent_and_key_header_are_sent_but_never_shown():
    secret = "s3cr3t-key-value"
    with ReplayServer({"/a": [(401, "bad key", {})]}) as srv:
        c = client(headers={"X-API-Key": secret})
        with pytest.raises(HttpSourceError) as err:
            c.get(srv.url + "/a", {"api_key": secret, "limit": 5})
    sent = srv.requests[0]["headers"]
    assert sent["X-API-Key"] == secret and sent["User-Agent"].startswith("envmon/")
    assert secret not in str(err.value) and secret not in repr(c)
    assert "api_key=***" in str(err.value)


def test_rate_limit_per_host_spaces_requests():
    now = [100.0]
    c = HttpClient("t", per_host_per_second=2, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])
    with ReplayServer({"/a": [(200, "{}", {})]}) as srv:
        for _ in range(3):
            c.get(srv.url + "/a")
    assert c.throttled == [0.5, 0.5]


def test_redact_url_masks_secret_looking_parameters():
    assert redact_url("https://h/p?token=abc&x=1") == "https://h/p?token=***&x=1"
