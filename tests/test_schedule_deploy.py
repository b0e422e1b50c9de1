"""The deploy files and docs/deploy.md agree with the code and with the shipped cron.yaml (so they cannot rot)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from monitor.config import load_config
from monitor.schedule import crontab_trigger

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_JOBS = {job.id: job for job in load_config(ROOT / "cron.yaml").jobs}


def test_the_workflow_runs_a_shipped_job_for_each_of_its_schedules() -> None:
    text = (ROOT / "deploy/github-workflow.yml").read_text()
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    crons = [entry["cron"] for entry in triggers["schedule"]]
    for cron in crons:
        crontab_trigger(cron, ZoneInfo("UTC"))  # valid crontab
    branches = dict(re.findall(r'"([^"]+)"\) JOB=([\w-]+) ;;', text))
    assert set(branches) == set(crons)
    once = set(re.findall(r"tipwatch schedule --once ([\w-]+)", text)) - {'"$JOB"'}
    assert set(branches.values()) | once <= set(SHIPPED_JOBS)
    assert triggers["workflow_dispatch"]["inputs"]["job"]["default"] in SHIPPED_JOBS
    assert {SHIPPED_JOBS[job].action for job in branches.values()} == {"sweep", "discover"}


def test_the_systemd_unit_validates_then_runs_the_scheduler_and_stops_it_with_sigterm() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy/tipwatch.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[-1] == "schedule"
    assert service["ExecStartPre"].split()[-1] == "status"
    assert service["KillSignal"] == "SIGTERM"
    assert service["Environment"]  # config and database paths are explicit
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_crontab_line_is_valid_and_runs_tipwatch_run_as_its_user() -> None:
    lines = [
        line
        for line in (ROOT / "deploy/tipwatch.cron").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    assert len(lines) == 1
    fields = lines[0].split(None, 6)
    crontab_trigger(" ".join(fields[:5]), ZoneInfo("UTC"))
    assert fields[5] == "tipwatch"
    assert "/tipwatch run " in fields[6]


def test_docs_show_the_real_crontab_line_and_the_shipped_job_ids() -> None:
    docs = (ROOT / "docs/deploy.md").read_text()
    cron_line = [line for line in (ROOT / "deploy/tipwatch.cron").read_text().splitlines() if "tipwatch run" in line]
    assert cron_line[0] in docs
    documented_ids = re.findall(r"^  - id: ([\w-]+)", docs, flags=re.MULTILINE)
    assert documented_ids == list(SHIPPED_JOBS)
