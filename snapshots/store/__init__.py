"""The write side of the memory: the one database opener, the schema and its migrations, and every write.

Which package owns (writes) which table:
- snapshots.store.writes: pages, landings, checks, snapshots, sections, sections_fts, parses, runs
- snapshots.store.changelog: changes
- snapshots.store.alerts (the outbox and health rows, written for alerts/): outbox, alert_state, page_health
- monitor/schedule.py through snapshots.store.jobs: job_state
Everything else reads through snapshots.read.
"""
