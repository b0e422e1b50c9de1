"""The base of every tipwatch error, and the storage layer's own. The CLI turns each into one line."""


class TipwatchError(Exception):
    """Base of every error that `tipwatch` reports as one line instead of a traceback.

    `exit_code` is what the process exits with: 2 unless a subclass says otherwise.
    """

    exit_code = 2


class StorageError(TipwatchError):
    """The database cannot be opened, read or written."""
