"""The local stack's stand-in for EventBridge runs the app's schedules on their rates."""

from __future__ import annotations

import time

from chalice import Chalice, Rate

from local.scheduler import Scheduler, schedules


def test_the_desk_ticks_its_slas_every_minute():
    import app

    assert [(name, seconds) for name, seconds, _ in schedules(app.app)] == [("sla_tick", 60)]


def test_schedules_run_on_their_rates_with_an_eventbridge_event():
    demo = Chalice(app_name="demo")
    seen = []

    @demo.schedule(Rate(1, unit=Rate.MINUTES))
    def every_minute(event):
        seen.append(event.to_dict())

    @demo.schedule(Rate(1, unit=Rate.HOURS))
    def every_hour(event):
        seen.append("hourly")

    scheduler = Scheduler(demo, scale=0.002)  # a minute is 0.12 s, an hour 7.2 s
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while scheduler.runs["every_minute"] < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scheduler.stop()
    assert scheduler.runs["every_minute"] >= 3
    assert scheduler.runs["every_hour"] == 0 and "hourly" not in seen
    assert seen[0]["detail-type"] == "Scheduled Event" and seen[0]["resources"][0].endswith("rule/every_minute")
