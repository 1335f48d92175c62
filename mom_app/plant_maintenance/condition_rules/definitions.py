"""The enabled Condition Rules as the writers need them, cached per process.

    snapshot() -> Snapshot | None      None: Evaluate Condition Rules is off, or no rule is enabled
    engine_rule(doc) -> engine Rule    a Condition Rule (document or row) as the engine's Rule
    changed()                          a rule or the settings changed: every writer reloads

A writer stores a batch of readings every fraction of a second, so it must not read the rules from the
database each time: the snapshot is kept in the process and checked against a version number in Redis (one
GET per batch). `changed()` - called when a Condition Rule or the Maintenance Settings are saved or a rule
is deleted - increments the version at once and again after the commit (a writer that reloaded in between,
still reading the old rows, reloads once more). A snapshot is reloaded after RELOAD_SECONDS at most.
"""

import time
from dataclasses import dataclass

import frappe
from frappe.utils import cint, flt

from mom_app.engine.maintenance.condition_rules import Rule

VERSION_KEY = "mom:condition_rules:definitions"
RELOAD_SECONDS = 300
MINUTE_SAMPLES = "Minute Aggregates"
RULE_FIELDS = (
	"name",
	"rule_name",
	"device",
	"tag",
	"unit",
	"samples",
	"aggregate",
	"condition",
	"measure",
	"low_limit",
	"high_limit",
	"deadband",
	"rate_seconds",
	"on_delay_seconds",
	"off_delay_seconds",
	"repeat_count",
	"repeat_window_seconds",
	"workstation",
	"asset",
	"order_type",
	"priority",
	"checklist",
	"description",
)


@dataclass(frozen=True)
class Snapshot:
	rules: dict  # rule name -> engine Rule
	by_series: dict  # series -> (rule names): (device, tag) raw; ("minute", device, tag, aggregate)
	minute_series: frozenset  # (device, tag) of the minute rules
	meta: dict  # rule name -> the rule's row (RULE_FIELDS)
	priority: str  # the settings' Condition Rule Priority
	version: bytes | None
	loaded_at: float


_cache: dict[str, Snapshot | None] = {}
_loaded: dict[str, tuple] = {}  # site -> (version, loaded_at) of the cached snapshot (also when it is None)


def engine_rule(doc) -> Rule:
	"""The engine's Rule for a Condition Rule document or row; raises ValueError when it is not one."""
	condition = doc.get("condition")
	return Rule(
		key=doc.get("name") or doc.get("rule_name") or "new rule",
		condition=condition,
		low=None if condition == "Above" else flt(doc.get("low_limit")),
		high=None if condition == "Below" else flt(doc.get("high_limit")),
		measure=doc.get("measure") or "Value",
		on_delay=flt(doc.get("on_delay_seconds")),
		off_delay=flt(doc.get("off_delay_seconds")),
		deadband=flt(doc.get("deadband")),
		repeat_count=max(cint(doc.get("repeat_count")), 1),
		repeat_window=flt(doc.get("repeat_window_seconds")),
		rate_seconds=flt(doc.get("rate_seconds")) or 60.0,
	)


def version_key() -> str:
	return frappe.cache.make_key(VERSION_KEY)


def changed() -> None:
	"""Tell every writer to reload the rules: now, and once more after this transaction commits."""
	key = version_key()
	frappe.cache.incr(key)
	frappe.db.after_commit.add(lambda: frappe.cache.incr(key))


def snapshot() -> Snapshot | None:
	"""The enabled rules (see the module docstring); None when there is nothing to evaluate."""
	site = frappe.local.site
	version = frappe.cache.get(version_key())
	cached = _loaded.get(site)
	if cached and cached[0] == version and time.monotonic() - cached[1] < RELOAD_SECONDS:
		return _cache[site]
	snap = load(version)
	_cache[site] = snap
	_loaded[site] = (version, time.monotonic())
	return snap


def forget() -> None:
	"""Drop this process's snapshot (the next batch reloads)."""
	_loaded.pop(frappe.local.site, None)
	_cache.pop(frappe.local.site, None)


def load(version: bytes | None = None) -> Snapshot | None:
	settings = frappe.db.get_singles_dict("Maintenance Settings")
	enabled = settings.get("condition_rules_enabled")
	if enabled is not None and not cint(enabled):
		return None
	rows = frappe.get_all("Condition Rule", filters={"enabled": 1}, fields=list(RULE_FIELDS), order_by="name")
	rules, by_series, minute_series, meta = {}, {}, set(), {}
	for row in rows:
		try:
			rules[row.name] = engine_rule(row)
		except ValueError:
			frappe.log_error(title=f"Condition Rule {row.name} cannot be evaluated")
			continue
		if row.samples == MINUTE_SAMPLES:
			series = ("minute", row.device, row.tag, row.aggregate or "Average")
			minute_series.add((row.device, row.tag))
		else:
			series = (row.device, row.tag)
		by_series.setdefault(series, []).append(row.name)
		meta[row.name] = row
	if not rules:
		return None
	return Snapshot(
		rules=rules,
		by_series={series: tuple(names) for series, names in by_series.items()},
		minute_series=frozenset(minute_series),
		meta=meta,
		priority=settings.get("condition_rule_priority") or "High",
		version=version,
		loaded_at=time.monotonic(),
	)
