"""keitai: a members-only social network for Japanese keitai, smartphones and PCs.

Imports point one way: ``pages`` (pages that combine features)
-> the feature packages (``accounts``, ``diary``, ``communities`` ...: rules, views with
named routes, ``install(app)``) -> ``privacy`` (who may see what) -> ``platform`` (device,
text, web, db, mail; it knows no member).  ``app.create_app`` installs every feature.
ARCHITECTURE.md describes each room.
"""
