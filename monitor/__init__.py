"""tipwatch: follow the U.S. State Department's Trafficking in Persons report, edition by edition."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/tipwatch/tipwatch"
