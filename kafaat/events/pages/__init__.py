"""The events' pages: views and forms (the URLs are in kafaat/events/urls.py)."""
