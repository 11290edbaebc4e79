"""Carrier gateway IP ranges: load the shipped table, look an address up, replace the table.

The data file (gateways.txt beside this module) has one "carrier<TAB>cidr" line per range
and '#' comments.  Comment lines directly above a carrier's lines (same blank-line separated
block) name the source page and date for that carrier; replace_from_yaml() keeps them.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import ipaddress
import os
import re
import socket
import tempfile
from pathlib import Path

DATA_PATH = Path(__file__).with_name("gateways.txt")

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


@functools.lru_cache(maxsize=8)
def _text(path: str) -> str:
    """The data file as this process first read it: what is in force until a restart."""
    return Path(path).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=8)
def _load(path: str) -> GatewayTable:
    return GatewayTable(_parse(_text(path), path)[0])


_UPDATED = re.compile(r"^#\s*Updated\s+(\d{4}-\d{2}-\d{2})", re.M)


@dataclasses.dataclass(frozen=True)
class GatewaySummary:
    """The ranges in force, for the operator's page."""

    updated: str | None                      # date in the data file's header
    carriers: list[tuple[str, list[str], list[str]]]  # (carrier, source comments, CIDRs)
    file_updated: str | None                 # header date of the file on disk now
    changed_on_disk: bool                    # the file was replaced since this process read it


def summary(path: str | os.PathLike | None = None) -> GatewaySummary:
    """The table this process uses, where each carrier's ranges came from, and its date."""
    path = str(path or DATA_PATH)
    text = _text(path)
    networks, comments = _parse(text, path)
    try:
        on_disk = Path(path).read_text(encoding="utf-8")
    except OSError:
        on_disk = text
    updated, file_updated = _UPDATED.search(text), _UPDATED.search(on_disk)
    return GatewaySummary(
        updated=updated.group(1) if updated else None,
        carriers=[(c, comments.get(c, []), [str(n) for n in networks[c]]) for c in CARRIERS if c in networks],
        file_updated=file_updated.group(1) if file_updated else None,
        changed_on_disk=on_disk != text,
    )


def load(path: str | os.PathLike | None = None) -> GatewayTable:
    """The parsed table from path (default: the shipped gateways.txt), cached per process."""
    return _load(str(path or DATA_PATH))


def carrier_of(ip: str) -> str | None:
    """The carrier whose published gateway range holds ip (shipped table), else None."""
    return _load(str(DATA_PATH)).carrier_of(ip)


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


def replace_from_yaml(src_path: str | os.PathLike, dest_path: str | os.PathLike | None = None) -> dict[str, int]:
    """Validate an operator YAML file (carrier -> list of CIDRs) and write it as the data file.

    Keys: docomo, ezweb or au, softbank, emobile, willcom.  A carrier missing from the YAML keeps
    its current ranges (OpenPNE's file has no EMOBILE); an empty list removes it.  The file is
    replaced atomically; on any error nothing is written and ValueError is raised.  Returns the
    number of ranges per carrier in the new file.  Running processes pick the new table up on
    restart (this process at once).
    """
    import yaml  # only the operator's update path needs PyYAML

    src = Path(src_path)
    dest = Path(dest_path) if dest_path is not None else DATA_PATH
    text = src.read_text(encoding="utf-8")
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

    old_nets: dict[str, list[_Net]] = {}
    old_comments: dict[str, list[str]] = {}
    if dest.exists():
        old_nets, old_comments = _parse(dest.read_text(encoding="utf-8"), str(dest))
    yaml_comments = _yaml_comments(text)
    today = datetime.date.today().isoformat()
    comments = {c: (yaml_comments.get(c) or [f"# {c}: from {src.name}, {today} (no source noted)"])
                if c in new else old_comments.get(c, []) for c in CARRIERS}
    merged = {c: new.get(c, old_nets.get(c, [])) for c in CARRIERS}
    merged = {c: nets for c, nets in merged.items() if nets}
    if not merged:
        raise ValueError(f"{src}: no ranges at all; refusing to empty the gateway table")
    GatewayTable(merged)  # validates: no range shared by two carriers

    out = [
        "# keitai carrier gateway ranges: one 'carrier<TAB>cidr' line per range; '#' comments.",
        "# Comments above a carrier's lines give its source page and publication date.",
        f"# Updated {today} from {src.name} (keitai.platform.device.gateways.replace_from_yaml).",
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

    fd, tmp = tempfile.mkstemp(prefix=".gateways-", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(out))
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
    _text.cache_clear()
    _load.cache_clear()
    return {c: len(set(nets)) for c, nets in merged.items()}
