"""SPC adapter: load a Quality Characteristic's points, call mom_app.engine.spc, write the results, and
raise a quality hold for a new violation of a rule marked "Open Quality Hold".

Points come from:
  - Inspection Readings: submitted Quality Inspections of the item, oldest first. Variable charts read the
    parameter's numeric readings (Xbar charts: the first `subgroup_size` readings of each inspection form
    one subgroup; I-MR: every reading is one point). Attribute charts read each inspection's defect counts
    (critical + major + minor) against its sample size: p/np count them as defective units, c/u as defects.
  - IoT Signal: the tag's minute averages (IoT Minute Aggregate), consecutive minutes grouped into
    subgroups for Xbar charts.
"""

import math

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, now_datetime

from mom_app.engine import spc

VARIABLE_CHARTS = ("Xbar-R", "Xbar-S", "I-MR")
XBAR_CHARTS = ("Xbar-R", "Xbar-S")


class Series:
	"""Chronological points of one characteristic with what each point came from."""

	def __init__(self):
		self.values: list = []  # numbers, or lists (subgroups), or counts
		self.sample_sizes: list[float] = []
		self.labels: list[str] = []  # x-axis text
		self.keys: list[str] = []  # stable id of the point (inspection name, minute)
		self.sources: list[
			dict
		] = []  # {quality_inspection, batch_no, reference_type, reference_name, work_order}


def inspection_series(char, limit: int) -> Series:
	series = Series()
	attribute = char.chart_type not in VARIABLE_CHARTS
	qi = frappe.qb.DocType("Quality Inspection")
	fields = [
		qi.name,
		qi.report_date,
		qi.creation,
		qi.sample_size,
		qi.batch_no,
		qi.reference_type,
		qi.reference_name,
		qi.mom_work_order,
		qi.mom_defects_critical,
		qi.mom_defects_major,
		qi.mom_defects_minor,
	]
	query = frappe.qb.from_(qi).select(*fields).where((qi.item_code == char.item_code) & (qi.docstatus == 1))
	if not attribute:
		qr = frappe.qb.DocType("Quality Inspection Reading")
		query = (
			query.join(qr)
			.on(qr.parent == qi.name)
			.select(*[qr[f"reading_{i}"] for i in range(1, 11)])
			.where(qr.specification == char.parameter)
		)
	rows = (
		query.orderby(qi.report_date, order=frappe.qb.desc)
		.orderby(qi.creation, order=frappe.qb.desc)
		.limit(limit)
		.run(as_dict=True)
	)
	rows.reverse()
	n = cint(char.subgroup_size) or 5
	for row in rows:
		source = {
			"quality_inspection": row.name,
			"batch_no": row.batch_no,
			"reference_type": row.reference_type,
			"reference_name": row.reference_name,
			"work_order": row.mom_work_order,
		}
		label = str(row.report_date)
		if attribute:
			series.values.append(
				cint(row.mom_defects_critical) + cint(row.mom_defects_major) + cint(row.mom_defects_minor)
			)
			series.sample_sizes.append(flt(row.sample_size))
			series.labels.append(label)
			series.keys.append(row.name)
			series.sources.append(source)
			continue
		readings = [parse(row.get(f"reading_{i}")) for i in range(1, 11)]
		readings = [r for r in readings if r is not None]
		if char.chart_type in XBAR_CHARTS:
			if len(readings) < n:
				continue
			series.values.append(readings[:n])
			series.labels.append(label)
			series.keys.append(row.name)
			series.sources.append(source)
		else:
			for i, value in enumerate(readings):
				series.values.append(value)
				series.labels.append(label)
				series.keys.append(f"{row.name}#{i + 1}")
				series.sources.append(source)
	return series


def iot_series(char, limit: int) -> Series:
	series = Series()
	n = cint(char.subgroup_size) or 5
	per_point = n if char.chart_type in XBAR_CHARTS else 1
	rows = frappe.get_all(
		"IoT Minute Aggregate",
		filters={"device": char.iot_device, "tag": char.iot_tag, "sample_count": (">", 0)},
		fields=["minute", "total", "sample_count"],
		order_by="minute desc",
		limit=limit * per_point,
	)
	rows.reverse()
	if per_point > 1:
		rows = rows[len(rows) % per_point :]
	source = {"workstation": frappe.db.get_value("IoT Device", char.iot_device, "workstation")}
	for start in range(0, len(rows), per_point):
		chunk = rows[start : start + per_point]
		means = [flt(r.total) / cint(r.sample_count) for r in chunk]
		series.values.append(means if per_point > 1 else means[0])
		series.labels.append(get_datetime(chunk[-1].minute).strftime("%m-%d %H:%M"))
		series.keys.append(str(chunk[-1].minute))
		series.sources.append(source)
	return series


def parse(text):
	try:
		value = float(str(text).strip())
	except (TypeError, ValueError):
		return None
	return value if math.isfinite(value) else None


def load_series(char) -> Series:
	limit = max(cint(char.max_points) or 500, 10)
	if char.data_source == "IoT Signal":
		return iot_series(char, limit)
	return inspection_series(char, limit)


def frozen_limits(char):
	if char.phase != "II":
		return None, None
	limits = spc.Limits(center=flt(char.center_line), lcl=flt(char.lcl), ucl=flt(char.ucl))
	secondary = None
	if char.chart_type in VARIABLE_CHARTS and (char.secondary_ucl or char.secondary_center_line):
		secondary = spc.Limits(
			center=flt(char.secondary_center_line), lcl=flt(char.secondary_lcl), ucl=flt(char.secondary_ucl)
		)
	return limits, secondary


def selected_rules(char) -> list[str]:
	return [r.rule for r in char.rules]


def evaluate(char, series: Series | None = None, include_chart: bool = True) -> dict:
	"""The chart, its rule violations and the capability indices of a characteristic (JSON-safe): the
	engine's evaluate_characteristic, with the points' labels and keys."""
	series = series or load_series(char)
	limits, secondary = frozen_limits(char)
	lsl, usl = spec_limits(char)
	outcome = spc.evaluate_characteristic(
		char.chart_type,
		series.values,
		subgroup_size=(cint(char.subgroup_size) or 5) if char.chart_type in XBAR_CHARTS else None,
		sample_sizes=series.sample_sizes if char.chart_type not in VARIABLE_CHARTS else None,
		limits=limits,
		secondary_limits=secondary,
		rules=selected_rules(char),
		lsl=lsl,
		usl=usl,
		# Float fields store 0 when left empty: a target of exactly 0 counts as none
		target=flt(char.target) or None,
		include_chart=include_chart,
	)
	outcome["labels"] = series.labels
	outcome["keys"] = series.keys
	return outcome


def spec_limits(char) -> tuple[float | None, float | None]:
	return spc.spec_limits(char.get("spec_type"), char.lsl, char.usl)


def recompute(name: str, raise_holds: bool = True) -> dict:
	char = frappe.get_doc("Quality Characteristic", name)
	series = load_series(char)
	outcome = evaluate(char, series, include_chart=False)
	cap = outcome["capability"] or {}
	updates = {
		"last_computed": now_datetime(),
		"points": outcome["points"],
		"mean": cap.get("mean"),
		"sigma_within": cap.get("sigma_within"),
		"cp": cap.get("cp"),
		"cpk": cap.get("cpk"),
		"pp": cap.get("pp"),
		"ppk": cap.get("ppk"),
		"violations": sum(len(v) for v in outcome["violations"].values()),
	}
	if raise_holds and outcome["violations"]:
		hold = hold_for_new_violation(char, series, outcome)
		if hold:
			outcome["hold"] = hold
			updates["last_violation_key"] = hold["key"]
	# Frappe's Float columns hold no NULL: an index the data does not define is stored as 0 (the chart page
	# and the report compute it live and show "—")
	updates = {key: (0 if value is None else value) for key, value in updates.items()}
	frappe.db.set_value("Quality Characteristic", name, updates, update_modified=False)
	return outcome


def point_text(char, series: Series, i: int) -> str:
	"""Which point a hold is about, as a reader finds it: the inspection (and reading) it came from and its
	date, or the minute of the IoT signal."""
	source = series.sources[i]
	if source.get("quality_inspection"):
		reading = series.keys[i].partition("#")[2]
		if reading:
			return _("reading {0} of inspection {1} of {2}").format(
				reading, source["quality_inspection"], series.labels[i]
			)
		return _("inspection {0} of {1}").format(source["quality_inspection"], series.labels[i])
	if char.chart_type in XBAR_CHARTS:
		return _("the subgroup of the minutes up to {0}").format(series.labels[i])
	return _("the value at {0}").format(series.labels[i])


def hold_for_new_violation(char, series: Series, outcome: dict):
	"""Raise one hold for the newest point that violates a rule marked "Open Quality Hold", unless that
	point (or a later one) already raised one (the engine's new_violation decides)."""
	found = spc.new_violation(
		outcome["violations"],
		[r.rule for r in char.rules if r.open_hold],
		series.keys,
		char.last_violation_key,
	)
	if not found:
		return None
	newest, rules = found
	open_hold = frappe.db.get_value("Quality Hold", {"quality_characteristic": char.name, "status": "Open"})
	if open_hold:
		# the process is already stopped for this characteristic: one open hold at a time
		return {"name": open_hold, "key": series.keys[newest], "rules": rules, "existing": True}
	from mom_app.quality.hold import raise_hold

	descriptions = "; ".join(f"{rule} {_(spc.RULES[rule])}" for rule in rules)
	reason = _("SPC {0} ({1}, {2}): {3} violates {4}").format(
		char.name,
		char.item_code,
		char.parameter or char.iot_tag,
		point_text(char, series, newest),
		descriptions,
	)
	source = series.sources[newest]
	batches = [source["batch_no"]] if source.get("batch_no") else []
	job_cards, work_orders = [], []
	if source.get("reference_type") == "Job Card":
		job_cards.append(source["reference_name"])
	if source.get("work_order"):
		work_orders.append(source["work_order"])
	if source.get("workstation"):
		job_cards += frappe.get_all(
			"Job Card",
			filters={"workstation": source["workstation"], "docstatus": 0, "status": "Work In Progress"},
			pluck="name",
		)
	hold = raise_hold(
		reason,
		"SPC",
		item_code=char.item_code,
		batches=batches,
		work_orders=work_orders,
		job_cards=job_cards,
		quality_characteristic=char.name,
	)
	return {"name": hold.name, "key": series.keys[newest], "rules": rules}


def on_inspection_submitted(qi):
	"""Recompute the characteristics of this item whose parameter was measured (or attribute charts)."""
	parameters = [r.specification for r in qi.readings]
	names = frappe.get_all(
		"Quality Characteristic",
		filters={"item_code": qi.item_code, "enabled": 1, "data_source": "Inspection Readings"},
		fields=["name", "parameter", "chart_type"],
	)
	for row in names:
		if row.chart_type in VARIABLE_CHARTS and row.parameter not in parameters:
			continue
		recompute(row.name)


def recompute_iot_characteristics():
	"""Scheduler (every 10 minutes): characteristics fed by an IoT signal."""
	for name in frappe.get_all(
		"Quality Characteristic", filters={"enabled": 1, "data_source": "IoT Signal"}, pluck="name"
	):
		try:
			recompute(name)
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("SPC recompute failed for {0}").format(name))
