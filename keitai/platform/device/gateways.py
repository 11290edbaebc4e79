"""Carrier gateway IP ranges: the set in force, an address looked up in it, the operator's updates.

There are two sets, each the text of a data file: one "carrier<TAB>cidr" line per range,
'#' comments, a header line "# Updated YYYY-MM-DD from SOURCE".  Comment lines directly
above a carrier's lines (same blank-line separated block) name the source page and date
for that carrier; updates keep them.

- The shipped set, gateways.txt beside this module, comes with keitai (git, releases).
- The operator's set, from ``run.py update-gateways FILE.yml``, is kept in the database
  (the ``gateways`` row of site_settings), never in the source tree, so ``git pull`` never
  meets a local change.  The database rather than a file in ``db/``: every server process,
  on every machine behind nginx, must believe a subscriber id from the same gateways, or
  easy sign-in would work on one process and fail on the next; the database is what they
  all share (as they share the invitation-only switch), and a backup carries it.

The newer date wins; on the same day, the operator's.  So the operator's set overrides the
shipped one until an update of keitai ships newer ranges, and then gives way.  A process
reads the operator's set on its first request and again at most once a minute after that
(:func:`refresh_if_due`, from the request pipeline): an update is in force in every running
process within a minute, without a restart.  Looking an address up never touches the
database: a bisect over integer ranges, a few microseconds.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import ipaddress
import logging
import os
import re
import socket
import tempfile
import time
from pathlib import Path

log = logging.getLogger("keitai.gateways")

DATA_PATH = Path(__file__).with_name("gateways.txt")
#: The site_settings row holding the operator's set (the text of a data file).
SETTING = "gateways"
#: Seconds between two looks at the operator's set in the database, per process.
REFRESH_SECONDS = 60

CARRIERS = ("docomo", "au", "softbank", "emobile", "willcom")
# Keys accepted in an operator's YAML file (OpenPNE 3 mobile_ip_address.yml style).
YAML_KEYS = {"docomo": "docomo", "ezweb": "au", "au": "au", "softbank": "softbank",
             "emobile": "emobile", "willcom": "willcom"}

_Net = ipaddress.IPv4Network | ipaddress.IPv6Network


class GatewayTable:
    """Per-carrier networks with a bisect lookup over non-overlapping IPv4 intervals."""

    __slots__ = ("networks", "_starts", "_ends", "_owners", "_v6")

    def __init__(self, networks: dict[str, list[_Net]]):
        self.networks = {c: list(ipaddress.collapse_addresses(nets)) for c, nets in networks.items() if nets}
        spans, self._v6 = [], []
        for carrier, nets in self.networks.items():
            for net in nets:
                if net.version == 4:
                    spans.append((int(net.network_address), int(net.broadcast_address), carrier, net))
                else:
                    self._v6.append((net, carrier))
        spans.sort()
        for (_, end, owner, net), (start, _, other, net2) in zip(spans, spans[1:]):
            if start <= end:
                # One address may belong to one carrier only, or a subscriber id could be
                # accepted from the wrong carrier's gateway.
                raise ValueError(f"{net} ({owner}) overlaps {net2} ({other})")
        self._starts = [s[0] for s in spans]
        self._ends = [s[1] for s in spans]
        self._owners = [s[2] for s in spans]

    def carrier_of(self, ip: str) -> str | None:
        """The carrier whose gateway range holds ip, or None (also for anything unparsable)."""
        try:
            # inet_pton is strict (no '127.1' shorthands) and several times faster than ipaddress.
            n = int.from_bytes(socket.inet_pton(socket.AF_INET, ip), "big")
        except (OSError, TypeError, ValueError):
            return self._carrier_of_other(ip)
        i = bisect.bisect_right(self._starts, n) - 1
        if i >= 0 and n <= self._ends[i]:
            return self._owners[i]
        return None

    def _carrier_of_other(self, ip) -> str | None:
        try:
            addr = ipaddress.ip_address(ip)
        except (TypeError, ValueError):
            return None
        if addr.version == 6 and addr.ipv4_mapped:
            return self.carrier_of(str(addr.ipv4_mapped))
        for net, carrier in self._v6:
            if addr in net:
                return carrier
        return None

    def counts(self) -> dict[str, int]:
        return {c: len(nets) for c, nets in self.networks.items()}


def _parse(text: str, where: str) -> tuple[dict[str, list[_Net]], dict[str, list[str]]]:
    """Networks per carrier and the comment lines of each carrier's block."""
    networks: dict[str, list[_Net]] = {}
    comments: dict[str, list[str]] = {}
    block: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            block = []
            continue
        if line.startswith("#"):
            block.append(line)
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0] not in CARRIERS:
            raise ValueError(f"{where}:{lineno}: expected 'carrier<TAB>cidr', got {raw!r}")
        carrier, cidr = parts
        networks.setdefault(carrier, []).append(_network(cidr, f"{where}:{lineno}"))
        if block:
            comments.setdefault(carrier, []).extend(block)
            block = []
    return networks, comments


def _network(cidr, where: str) -> _Net:
    if not isinstance(cidr, str):
        raise ValueError(f"{where}: not a CIDR string: {cidr!r}")
    try:
        return ipaddress.ip_network(cidr.strip(), strict=True)
    except ValueError as exc:
        raise ValueError(f"{where}: bad CIDR {cidr!r}: {exc}") from None


# "# Updated 2026-11-21 from carrier-gateways.yml (run.py update-gateways)."
_UPDATED = re.compile(r"^#\s*Updated\s+(\d{4}-\d{2}-\d{2})(?:\s+from\s+(.+?))?(?:\s+\([^)]*\))?\.?[ \t]*$", re.M)
SHIPPED, OPERATOR = "shipped", "operator"


@dataclasses.dataclass(frozen=True)
class GatewaySet:
    """One set of ranges: the text of a data file, parsed and checked."""

    origin: str                          # SHIPPED or OPERATOR
    text: str
    networks: dict[str, list[_Net]]      # per carrier, as listed (the table merges them)
    comments: dict[str, list[str]]       # per carrier, the comments naming its source
    updated: str                         # YYYY-MM-DD from the header; "" (older than any date) if none
    source: str                          # what it was made from, per the header
    table: GatewayTable

    @classmethod
    def parse(cls, origin: str, text: str, where: str) -> GatewaySet:
        """ValueError for a malformed line, a bad CIDR or an address two carriers share."""
        networks, comments = _parse(text, where)
        header = _UPDATED.search(text)
        return cls(origin, text, networks, comments, header.group(1) if header else "",
                   (header.group(2) or "") if header else "", GatewayTable(networks))

    @property
    def carriers(self) -> list[tuple[str, list[str], list[str]]]:
        """(carrier, source comments, CIDRs), in the usual order of carriers."""
        return [(c, self.comments.get(c, []), [str(n) for n in self.networks[c]])
                for c in CARRIERS if c in self.networks]


@functools.lru_cache(maxsize=8)
def _read(path: str) -> GatewaySet:
    return GatewaySet.parse(SHIPPED, Path(path).read_text(encoding="utf-8"), path)


def shipped() -> GatewaySet:
    """The set that comes with keitai, read once per process (it changes with the code)."""
    return _read(str(DATA_PATH))


def load(path: str | os.PathLike | None = None) -> GatewayTable:
    """The table of the data file at path (default: the shipped one), cached per process."""
    return _read(str(path or DATA_PATH)).table


# The operator's set as this process last read it from the database: (the stored text, the
# set, or why it cannot be used), and when to look again.
_stored: tuple[str | None, GatewaySet | None, str | None] = (None, None, None)
_next_refresh = 0.0


def in_force() -> GatewaySet:
    """The newer of the shipped set and the operator's; the operator's on the same day."""
    ship, mine = shipped(), _stored[1]
    return mine if mine is not None and mine.updated >= ship.updated else ship


def carrier_of(ip: str) -> str | None:
    """The carrier whose gateway range (in the set in force) holds ip, else None."""
    return in_force().table.carrier_of(ip)


def refresh() -> None:
    """Read the operator's set from the database now (parsed again only if it changed)."""
    global _stored
    from keitai.platform.db import site_settings as site

    text = site.get(SETTING)
    if text == _stored[0]:
        return
    if text is None:
        _stored = (None, None, None)
        return
    try:
        _stored = (text, GatewaySet.parse(OPERATOR, text, f"site_settings {SETTING!r}"), None)
    except ValueError as exc:
        # Only update-gateways writes it, and it checks first: this is a hand edit.  Serve
        # with the shipped set meanwhile and say why on /admin/gateways.
        _stored = (text, None, str(exc))
        log.error("the operator's gateway ranges are not used: %s", exc)


def refresh_if_due() -> None:
    """refresh(), if REFRESH_SECONDS have passed since this process last looked."""
    global _next_refresh
    now = time.monotonic()
    if now >= _next_refresh:
        _next_refresh = now + REFRESH_SECONDS
        refresh()


@dataclasses.dataclass(frozen=True)
class GatewaySummary:
    """For /admin/gateways: the set in force, the other one, and what is wrong with the operator's."""

    in_force: GatewaySet
    set_aside: GatewaySet | None         # the other set, older, so not used
    error: str | None                    # the operator's stored set cannot be read, so it is not used

    @property
    def updated(self) -> str:
        return self.in_force.updated

    @property
    def carriers(self) -> list[tuple[str, list[str], list[str]]]:
        return self.in_force.carriers


def summary() -> GatewaySummary:
    """The sets as the database holds them now (this process is brought up to date too)."""
    refresh()
    current = in_force()
    return GatewaySummary(current, _stored[1] if current.origin == SHIPPED else shipped(), _stored[2])


_KEY_LINE = re.compile(r"^([A-Za-z_]\w*)\s*:")


def _yaml_comments(text: str) -> dict[str, list[str]]:
    """Comments attached to each top-level key: those just above it or among its items.

    PyYAML drops comments, but the carriers' source pages and dates live there."""
    found: dict[str, list[str]] = {}
    pending: list[str] = []
    key = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            pending = []  # a blank line ends a comment block (drops licence headers)
        elif line.startswith("#"):
            text_ = line.lstrip("#").strip()
            if text_ and not set(text_) <= {"#", "=", "-"}:
                pending.append("# " + text_)
        else:
            m = _KEY_LINE.match(raw)
            if m:
                key = YAML_KEYS.get(m.group(1), m.group(1))
            if key and pending:
                found.setdefault(key, []).extend(pending)
            pending = []
    return found


def _read_text(src: Path) -> str:
    try:
        return src.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{src}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{src}: a directory, not a file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{src}: not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"{src}: cannot be read ({exc.strerror})") from None


def _merged(src_path: str | os.PathLike, base: GatewaySet | None, made_by: str) -> tuple[str, dict[str, int]]:
    """Check an operator's YAML file (carrier -> list of CIDRs) and merge it into ``base``.

    Returns the text of the new data file, dated today, and its ranges per carrier.  Keys:
    docomo, ezweb or au, softbank, emobile, willcom.  A carrier missing from the YAML keeps
    its ranges in ``base`` (OpenPNE's file has no EMOBILE); an empty list removes it.
    ValueError, with a message for the operator, for anything wrong.
    """
    import yaml  # only the operator's update path needs PyYAML

    src = Path(src_path)
    text = _read_text(src)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{src}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{src}: expected a mapping of carrier -> list of CIDRs")

    new: dict[str, list[_Net]] = {}
    for key, cidrs in data.items():
        carrier = YAML_KEYS.get(key) if isinstance(key, str) else None
        if carrier is None:
            raise ValueError(f"{src}: unknown carrier {key!r} (expected one of {sorted(YAML_KEYS)})")
        if carrier in new:
            raise ValueError(f"{src}: carrier {carrier!r} given twice")
        if cidrs is None:
            cidrs = []
        if not isinstance(cidrs, list):
            raise ValueError(f"{src}: {key}: expected a list of CIDRs")
        new[carrier] = [_network(c, f"{src}: {key}") for c in cidrs]

    old_nets = base.networks if base else {}
    old_comments = base.comments if base else {}
    yaml_comments = _yaml_comments(text)
    today = datetime.date.today().isoformat()
    comments = {c: (yaml_comments.get(c) or [f"# {c}: from {src.name}, {today} (no source noted)"])
                if c in new else old_comments.get(c, []) for c in CARRIERS}
    merged = {c: new.get(c, old_nets.get(c, [])) for c in CARRIERS}
    merged = {c: nets for c, nets in merged.items() if nets}
    if not merged:
        raise ValueError(f"{src}: no ranges at all; refusing to empty the gateway table")
    try:
        GatewayTable(merged)  # no address may belong to two carriers
    except ValueError as exc:
        raise ValueError(f"{src}: {exc}") from None

    out = [
        "# keitai carrier gateway ranges: one 'carrier<TAB>cidr' line per range; '#' comments.",
        "# Comments above a carrier's lines give its source page and publication date.",
        f"# Updated {today} from {src.name} ({made_by}).",
        "# WILLCOM: no list shipped; it sends no subscriber id, so its range only matters for",
        "# telling real handsets from forged user agents.",
        "",
    ]
    for carrier in CARRIERS:
        if carrier not in merged:
            continue
        out.extend(comments.get(carrier, []))
        seen = set()
        for net in merged[carrier]:
            if net not in seen:  # keep the operator's order and granularity
                seen.add(net)
                out.append(f"{carrier}\t{net}")
        out.append("")
    return "\n".join(out), {c: len(set(nets)) for c, nets in merged.items()}


def store_from_yaml(src_path: str | os.PathLike) -> dict[str, int]:
    """The operator's update: merge a YAML file into the set in force and keep the result
    in the database as the operator's set, dated today.  Returns the ranges per carrier.

    ValueError (and nothing stored) for anything wrong in the file.  The new set is in
    force in this process at once and in every other within REFRESH_SECONDS, unless the
    shipped set carries a later date.
    """
    from keitai.platform.db import site_settings as site

    refresh()
    text, counts = _merged(src_path, in_force(), "run.py update-gateways")
    site.put(SETTING, text)
    refresh()
    return counts


def replace_from_yaml(src_path: str | os.PathLike, dest_path: str | os.PathLike) -> dict[str, int]:
    """Write the data file ``dest_path`` from a YAML file merged into what it holds: how the
    shipped gateways.txt is made (operators use :func:`store_from_yaml`).

    The file is replaced atomically; on any error nothing is written and ValueError is
    raised.  Returns the ranges per carrier in the new file.
    """
    dest = Path(dest_path)
    base = GatewaySet.parse(SHIPPED, dest.read_text(encoding="utf-8"), str(dest)) if dest.exists() else None
    text, counts = _merged(src_path, base, "keitai.platform.device.gateways.replace_from_yaml")
    fd, tmp = tempfile.mkstemp(prefix=".gateways-", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _read.cache_clear()
    return counts
