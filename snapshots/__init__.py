"""The memory of tipwatch: what was seen, when, and what changed.

core/ is the pure domain (narratives, typed changes, comparison, wording); store/ writes the SQLite
database and owns its schema; read/ is the one read API the CLI, the web page and the alerts use.
"""
