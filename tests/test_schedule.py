from datetime import timedelta

import pytest

import models
from models.schedule import SweepSchedule, describe_interval, parse_interval

from .conftest import NOW

H = timedelta(hours=1)


def test_channels_get_staggered_slots():
    schedule = SweepSchedule(H, NOW)
    channels = ["Chat", "SMS", "Facebook", "WhatsApp"]
    minutes = [7.5, 22.5, 37.5, 52.5]
    assert schedule.due(channels, NOW) == []
    assert schedule.due(channels, NOW + timedelta(minutes=7.5)) == ["Chat"]
    assert schedule.due(channels, NOW + timedelta(minutes=22)) == []
    assert schedule.due(channels, NOW + timedelta(minutes=22.5)) == ["SMS"]
    assert schedule.due(channels, NOW + timedelta(minutes=53)) == ["Facebook", "WhatsApp"]
    assert schedule.due(channels, NOW + timedelta(minutes=59)) == []
    assert schedule.due(channels, NOW + H + timedelta(minutes=minutes[0])) == ["Chat"]
    assert schedule.next_run("SMS") == NOW + timedelta(minutes=82.5)


def test_missed_slots_run_once_not_many_times():
    schedule = SweepSchedule(H, NOW)
    schedule.due(["Chat"], NOW)
    assert schedule.due(["Chat"], NOW + 10 * H + timedelta(minutes=31)) == ["Chat"]
    assert schedule.due(["Chat"], NOW + 10 * H + timedelta(minutes=32)) == []
    assert schedule.next_run("Chat") == NOW + 11 * H + timedelta(minutes=30)


def test_a_channel_turned_on_later_waits_for_its_slot():
    schedule = SweepSchedule(H, NOW)
    schedule.due(["Chat"], NOW)
    later = NOW + timedelta(minutes=50)
    assert schedule.due(["Chat", "SMS"], later) == ["Chat"]
    assert schedule.next_run("SMS") == NOW + H + timedelta(minutes=45)


@pytest.mark.parametrize(
    "text, seconds", [("90s", 90), ("15m", 900), ("15", 900), ("1h", 3600), ("2d", 172800)]
)
def test_parse_interval(text, seconds):
    assert parse_interval(text).total_seconds() == seconds
    assert parse_interval(describe_interval(parse_interval(text))) == parse_interval(text)


@pytest.mark.parametrize("text", ["", "5s", "31d", "1.5h", "-1m", "soon", "9" * 20])
def test_bad_interval(text):
    with pytest.raises(models.InvalidInput):
        parse_interval(text)
