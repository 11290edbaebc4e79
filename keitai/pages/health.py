"""``/health``: one request a monitor (nginx, a load balancer, cron) can ask of every process.

200 and ``{"status": "ok", ...}`` when the database answers and every migration this
code knows of is applied; 503 with the reason otherwise.  No session and no input
decoding (the pipeline is skipped), so it costs two small queries.
"""
import json
import logging

import bottle

from keitai.platform.db import connection as base
from keitai.platform.db import migrations
from keitai.platform.web import RouteTable

routes = RouteTable("health")
log = logging.getLogger("keitai.health")


def check() -> tuple[bool, dict]:
    """(healthy, report) for this process and its database."""
    try:
        base.scalar("SELECT 1")
        waiting = migrations.pending()
    except Exception as exc:  # any failure of the database is the answer, never a 500
        log.warning("health: database unreachable: %s", exc)
        try:
            base.db.close()  # the next request connects afresh
        except Exception:
            pass
        return False, {"status": "unavailable", "database": "unreachable"}
    report = {"status": "ok" if not waiting else "unavailable", "database": "ok",
              "migrations": "up to date" if not waiting else "pending", "pending": waiting}
    return not waiting, report


@routes.get("/health", skip=["keitai"])
def health():
    healthy, report = check()
    bottle.response.status = 200 if healthy else 503
    bottle.response.content_type = "application/json"
    bottle.response.set_header("Cache-Control", "no-store")
    return json.dumps(report)
