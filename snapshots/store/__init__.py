"""The write side of the memory: the one database opener, the schema and its migrations, and every write.

Which module owns (writes) which table; everything else reads through snapshots.read:
- writes: pages, landings, checks, snapshots, sections and sections_fts (the search index), parses,
  runs, job_state (for monitor's scheduler)
- changelog: changes
- figure_rows: figures (the figures of each snapshot, written with it by writes)
- outbox: outbox and page_health (for alerts/, which decides what goes in and when)
"""
