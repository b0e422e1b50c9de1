"""The browse UI: a read-only Flask app (app.py), its server (server.py), templates and static CSS."""
