"""Errors raised by the storage layer; the CLI turns each into one line."""


class StorageError(Exception):
    """The database cannot be opened, read or written."""


class RunInProgress(StorageError):
    """Another sweep holds the run lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later
