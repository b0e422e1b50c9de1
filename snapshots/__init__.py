"""The memory of tipwatch: what was seen, when, and what changed (SQLite through sqlite-utils)."""
