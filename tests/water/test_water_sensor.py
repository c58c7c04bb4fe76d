"""The landing-folder sensor, driven by build_sensor_context: exactly the new, settled files are requested."""

import os
import time

import dagster as dg

from assets.settings import EnvmonSettings
from sensors.water_landing import water_landing_sensor


def tick(data_dir, cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": EnvmonSettings(data_dir=str(data_dir))})
    result = water_landing_sensor.evaluate_tick(context)
    return [r for r in (result.run_requests or [])], result.cursor


def age(path, seconds=60):
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def test_sensor_requests_exactly_the_new_settled_files(data_dir):
    landing = data_dir / "landing" / "water"
    landing.mkdir(parents=True)
    a = landing / "a.csv"
    a.write_text("断面名称,监测时间,总磷(mg/L)\nLXH01,2026-11-20 04:00,0.1\n", encoding="utf-8")
    age(a)
    (landing / "~$a.xlsx").write_text("excel lock file")  # never picked up
    requests, cursor = tick(data_dir, None)
    assert requests == []  # first sight: size and time noted, wait one tick to see it is stable

    b = landing / "b.csv"
    b.write_text("断面名称,监测时间,总磷(mg/L)\nLXH01,2026-11-20 08:", encoding="utf-8")  # being written
    requests, cursor = tick(data_dir, cursor)
    assert [r.tags["envmon/file"] for r in requests] == ["a.csv"]
    assert requests[0].run_key == requests[0].tags["envmon/content_hash"]  # keyed by content
    assert requests[0].run_config["ops"]["staging__water_files"]["config"]["paths"] == [str(a)]

    with b.open("a", encoding="utf-8") as fh:  # still growing: not read
        fh.write("00,0.2\n")
    requests, cursor = tick(data_dir, cursor)
    assert requests == []
    requests, cursor = tick(data_dir, cursor)  # same size, but modified a moment ago: too recent
    assert requests == []
    age(b)  # the writer is done (its time changes once more: one more tick to see it stay)
    requests, cursor = tick(data_dir, cursor)
    assert requests == []
    requests, cursor = tick(data_dir, cursor)
    assert [r.tags["envmon/file"] for r in requests] == ["b.csv"]

    requests, cursor = tick(data_dir, cursor)  # a and b wait for their runs: not requested again
    assert requests == []


def test_same_content_under_another_name_is_not_a_new_run_key(data_dir):
    landing = data_dir / "landing" / "water"
    landing.mkdir(parents=True)
    text = "断面名称,监测时间,总磷(mg/L)\nLXH01,2026-11-20 04:00,0.1\n"
    (landing / "a.csv").write_text(text, encoding="utf-8")
    age(landing / "a.csv", 120)
    _, cursor = tick(data_dir, None)
    first, cursor = tick(data_dir, cursor)
    (landing / "a.csv").unlink()  # its run archived it
    copy = landing / "copy.csv"
    copy.write_text(text, encoding="utf-8")
    age(copy, 30)
    _, cursor = tick(data_dir, cursor)
    second, cursor = tick(data_dir, cursor)
    assert len(first) == len(second) == 1
    # the copy gets its own run (which archives it as a duplicate, see test_water_files), never the same key
    assert second[0].tags["envmon/content_hash"] == first[0].tags["envmon/content_hash"]
    assert second[0].run_key != first[0].run_key
