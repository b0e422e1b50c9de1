"""The browse UI: a read-only Flask app (app.py: the app and most pages; editions.py and feeds.py: the edition
pages and the Atom feeds, on the one blueprint of blueprint.py), its server (server.py), templates and static CSS."""
