"""Trigger arithmetic without threads: crontab meaning, time zones, DST, month filters, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

import pytest

from monitor.config import parse_config
from monitor.errors import ConfigError
from monitor.schedule import crontab_trigger, fire_times, load_jobs, missed_run, previous_fire_time

NY = ZoneInfo("America/New_York")
# Saturday 28 November 2026, 10:00 in New York.
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=NY)


def _fires(expr: str, start: datetime, n: int, tz: ZoneInfo = NY, months: str = "") -> list[datetime]:
    times = fire_times(crontab_trigger(expr, tz, months), start)
    return [next(times) for _ in range(n)]


def _days(expr: str, n: int = 7) -> list[str]:
    return [f.strftime("%a") for f in _fires(expr, SATURDAY, n)]


def test_daily_fire_times_are_consecutive_days_at_the_given_time() -> None:
    fires = _fires("15 6 * * *", SATURDAY, 3)
    assert fires == [datetime(2026, 11, d, 6, 15, tzinfo=NY) for d in (29, 30)] + [
        datetime(2026, 12, 1, 6, 15, tzinfo=NY)
    ]


@pytest.mark.parametrize("expr", ["0 6 * * 0", "0 6 * * 7", "0 6 * * sun", "0 6 * * SUN"])
def test_zero_seven_and_sun_all_mean_sunday(expr: str) -> None:
    assert _days(expr, 3) == ["Sun", "Sun", "Sun"]
    assert _fires(expr, SATURDAY, 1)[0] == datetime(2026, 11, 29, 6, 0, tzinfo=NY)


def test_one_to_five_is_monday_to_friday_as_in_crontab() -> None:
    # APScheduler's own from_crontab would give Tue-Sat here (0 = Monday there).
    assert _days("0 6 * * 1-5", 5) == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert _days("0 6 * * mon-fri", 5) == ["Mon", "Tue", "Wed", "Thu", "Fri"]


@pytest.mark.parametrize(
    ("expr", "days"),
    [
        ("0 6 * * 0-2", ["Sun", "Mon", "Tue", "Sun"]),
        ("0 6 * * 5-7", ["Sun", "Fri", "Sat", "Sun"]),
        ("0 6 * * fri-sun", ["Sun", "Fri", "Sat", "Sun"]),
        ("0 6 * * */2", ["Sat", "Sun", "Tue", "Thu"]),  # 0,2,4,6: Sun Tue Thu Sat; starts on Sat 28th
        ("0 6 * * 1-5/2", ["Mon", "Wed", "Fri", "Mon"]),
        ("0 6 * * 6,0", ["Sun", "Sat", "Sun", "Sat"]),
    ],
)
def test_weekday_ranges_steps_and_lists(expr: str, days: list[str]) -> None:
    start = SATURDAY if expr != "0 6 * * */2" else SATURDAY.replace(hour=5)
    assert [f.strftime("%a") for f in _fires(expr, start, 4)] == days


def test_day_of_month_and_weekday_both_set_mean_either_as_in_crontab() -> None:
    # "the 1st, and every Monday": crontab runs on either; APScheduler alone would need both at once.
    fires = _fires("0 6 1 * 1", SATURDAY, 4)
    assert [(f.day, f.strftime("%a")) for f in fires] == [(30, "Mon"), (1, "Tue"), (7, "Mon"), (14, "Mon")]


def test_time_zone_is_applied_to_the_crontab_hour() -> None:
    utc = _fires("0 6 * * *", datetime(2026, 11, 28, tzinfo=UTC), 1, tz=ZoneInfo("UTC"))[0]
    tokyo = _fires("0 6 * * *", datetime(2026, 11, 28, tzinfo=UTC), 1, tz=ZoneInfo("Asia/Tokyo"))[0]
    assert utc.astimezone(UTC).hour == 6
    assert tokyo.astimezone(UTC) == datetime(2026, 11, 28, 21, 0, tzinfo=UTC)  # 06:00 JST on the 29th


def test_spring_forward_day_runs_once_not_skipped() -> None:
    # America/New_York skips 02:00-03:00 on 2027-03-14: a 02:30 job still runs that day, once, an hour on.
    fires = _fires("30 2 * * *", datetime(2027, 3, 13, 12, 0, tzinfo=NY), 3)
    assert [f.date().day for f in fires] == [14, 15, 16]
    assert fires[0].astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert fires[1].astimezone(UTC) == datetime(2027, 3, 15, 6, 30, tzinfo=UTC)  # 02:30 EDT


def test_hourly_job_across_the_spring_forward_gap_keeps_one_hour_spacing() -> None:
    fires = _fires("0 * * * *", datetime(2027, 3, 14, 0, 30, tzinfo=NY), 3)
    assert [f.astimezone(UTC).hour for f in fires] == [6, 7, 8]  # 01:00 EST, 03:00 EDT, 04:00 EDT
    assert fires[1].astimezone(UTC) - fires[0].astimezone(UTC) == timedelta(hours=1)  # same-zone "-" is wall time


def test_months_filter_limits_a_job_to_the_release_window() -> None:
    fires = _fires("5 * * * *", SATURDAY, 2, months="6-10")
    assert fires[0] == datetime(2027, 6, 1, 0, 5, tzinfo=NY)
    assert fires[1].astimezone(UTC) - fires[0].astimezone(UTC) == timedelta(hours=1)  # same-zone "-" is wall time
    last_october = _fires("5 * * * *", datetime(2027, 10, 31, 23, 30, tzinfo=NY), 1, months="6-10")[0]
    assert last_october == datetime(2028, 6, 1, 0, 5, tzinfo=NY)
    outside = _fires("45 7 * * *", datetime(2027, 5, 31, 8, 0, tzinfo=NY), 1, months="1-5,11-12")[0]
    assert outside == datetime(2027, 11, 1, 7, 45, tzinfo=NY)


def test_aliases_are_read_as_crontab_does() -> None:
    assert _fires("@daily", SATURDAY, 1)[0] == datetime(2026, 11, 29, 0, 0, tzinfo=NY)
    assert _fires("@weekly", SATURDAY, 1)[0].strftime("%a %H:%M") == "Sun 00:00"


def test_previous_fire_time_looks_back_within_the_window_only() -> None:
    trigger = crontab_trigger("15 6 * * *", NY)
    assert previous_fire_time(trigger, SATURDAY, timedelta(hours=6)) == datetime(2026, 11, 28, 6, 15, tzinfo=NY)
    assert previous_fire_time(trigger, SATURDAY, timedelta(hours=3)) is None
    at_fire = datetime(2026, 11, 28, 6, 15, tzinfo=NY)
    assert previous_fire_time(trigger, at_fire, timedelta(minutes=1)) == at_fire


def _config(jobs_yaml: str) -> object:
    return parse_config(f"timezone: America/New_York\njobs:\n{jobs_yaml}", "cron.yaml")


def test_missed_run_needs_a_recorded_run_older_than_the_previous_fire_within_grace() -> None:
    config = _config('  - {id: daily, cron: "15 6 * * *", action: sweep, misfire_grace_time: 14400}\n')
    (job,) = load_jobs(config)
    fired = datetime(2026, 11, 28, 6, 15, tzinfo=NY)
    yesterday = {"last_success_at": (fired - timedelta(days=1)).astimezone(UTC).isoformat()}
    assert missed_run(job, yesterday, SATURDAY) == fired
    assert missed_run(job, {"last_success_at": None, "last_started_at": "x"}, SATURDAY) == fired  # only failures
    today = {"last_success_at": (fired + timedelta(minutes=3)).astimezone(UTC).isoformat()}
    assert missed_run(job, today, SATURDAY) is None
    assert missed_run(job, None, SATURDAY) is None  # never ran: nothing was missed
    late = SATURDAY + timedelta(hours=1)  # 5 h 45 after the fire: beyond a grace of 4 h
    assert missed_run(job, yesterday, late) is None


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ('{id: release-watch, cron: "0 25 * * *", action: sweep}', "jobs[1] (release-watch).cron: hour field '25'"),
        ('{id: release-watch, cron: "0 6 * *", action: sweep}', "jobs[1] (release-watch).cron: '0 6 * *': expected 5"),
        (
            '{id: release-watch, cron: "0 6 * * 8", action: sweep}',
            "(release-watch).cron: day-of-week field '8'",
        ),
        ('{id: release-watch, cron: "0 6 * * 5-1", action: sweep}', "(release-watch).cron: day-of-week field '5-1'"),
        ('{id: release-watch, cron: "0 6 * * blursday", action: sweep}', "unknown day 'blursday'"),
        ('{id: release-watch, cron: "@reboot", action: sweep}', "(release-watch).cron: @reboot is not a schedule"),
        ('{id: release-watch, cron: "0 6 * * *", action: scrape}', "jobs[1] (release-watch).action: unknown action"),
        ('{id: release-watch, cron: "0 6 * * *", action: sweep, months: "6-13"}', "(release-watch).months: '6-13'"),
        ('{id: release-watch, cron: "0 6 * 6 *", action: sweep, months: "6-10"}', "(release-watch).cron: give the"),
        ('{id: release-watch, cron: "0 6 * * *", action: sweep, misfire_grace_time: 0}', ".misfire_grace_time: must"),
    ],
)
def test_validation_errors_name_the_file_job_and_field(job: str, message: str) -> None:
    config = _config(f'  - {{id: fine, cron: "0 6 * * *", action: deliver}}\n  - {job}\n')
    with pytest.raises(ConfigError) as err:
        load_jobs(config)
    assert str(err.value).startswith("cron.yaml: jobs[1] (release-watch).")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_shipped_cron_yaml_is_valid_and_release_aware() -> None:
    from pathlib import Path

    from monitor.config import load_config

    jobs = {j.id: j for j in load_jobs(load_config(Path(__file__).parent.parent / "cron.yaml"))}
    actions = {j.config.action for j in jobs.values()}
    assert actions == {"sweep", "discover", "deliver"}
    discover = [j for j in jobs.values() if j.config.action == "discover"]
    july = datetime(2027, 7, 10, 12, 0, tzinfo=NY)
    december = datetime(2027, 12, 10, 12, 0, tzinfo=NY)

    def runs_per_day(day: datetime) -> int:
        end = day + timedelta(days=1)
        return sum(1 for j in discover for _ in takewhile(lambda f: f < end, fire_times(j.trigger, day)))

    assert runs_per_day(july) >= 24  # hourly in the release window
    assert 1 <= runs_per_day(december) <= 2  # daily otherwise
