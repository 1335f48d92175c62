"""Demo step "quality_history": inspection plans, SPC characteristics and a month of inspections.

- templates and parameters for incoming bar steel, the output shaft's bearing seat and the finished motor;
- plans: IQC for raw materials (AQL, level II; bar steel with its own plan), IPQC for the shaft's finish
  turning (first article, every 10 pieces, last piece; gated), FQC and OQC for the gear motor;
- the bar-steel receipts of the genealogy week get their IQC inspections (accepted: the switching state
  counts them);
- a month of in-process inspections of the bearing seat (5 readings a subgroup, two a day) whose process
  drifts upward over the last days: the Xbar-R characteristic's run rules catch it, which raises an SPC
  quality hold on the shaft batch (and, through the genealogy, the motors made from it);
- an I-MR characteristic on CNC-02's spindle temperature from the IoT minute aggregates, when they exist.

Every inspection carries a stable client id (mom_client_id), so a second run creates nothing.
"""

import random

import frappe
from frappe.utils import add_days, getdate, nowdate

from mom_app.setup.demo.state import Demo

PARAMETERS = {
	# name: numeric, (min, max) or acceptance value
	"外径 Φ35": (1, (34.90, 35.10)),
	"表面质量": (0, "无裂纹、无锈蚀"),
	"轴承位直径 Φ20": (1, (19.990, 20.010)),
	"空载噪声 dB(A)": (1, (0, 65)),
	"温升 K": (1, (0, 40)),
}
TEMPLATES = {
	"圆钢来料检验": ["外径 Φ35", "表面质量"],
	"输出轴精车检验": ["轴承位直径 Φ20", "表面质量"],
	"减速电机出厂检验": ["空载噪声 dB(A)", "温升 K", "表面质量"],
}
# title: (stage, item_code or None, item group key or None, template, extra values)
PLANS = {
	"原材料来料检验（通用）": ("IQC", None, "raw", "圆钢来料检验", {"aql_major": "1.0", "aql_minor": "2.5"}),
	"45#圆钢来料检验": (
		"IQC", "RM-BAR-45", None, "圆钢来料检验",
		{"aql_critical": "0.10", "aql_major": "0.65", "aql_minor": "2.5", "readings_per_parameter": 5},
	),
	"输出轴精车首末件及巡检": (
		"IPQC", "SA-SHAFT", None, "输出轴精车检验",
		{
			"operation": "精车", "sampling_method": "Fixed Sample", "fixed_sample_size": 5,
			"readings_per_parameter": 5, "gate": 1,
			"frequencies": [{"kind": "First Article"}, {"kind": "Every N Pieces", "every_n_pieces": 10}, {"kind": "Last Piece"}],
		},
	),
	"减速电机成品检验": (
		"FQC", "FG-GM-075", None, "减速电机出厂检验",
		{"sampling_method": "Fixed Sample", "fixed_sample_size": 3, "readings_per_parameter": 3},
	),
	"减速电机出货检验": (
		"OQC", "FG-GM-075", None, "减速电机出厂检验",
		{"inspection_level": "S-2", "aql_major": "0.65", "aql_minor": "1.5", "readings_per_parameter": 3, "gate": 1},
	),
}  # fmt: skip

DAYS = 30
DRIFT_DAYS = 6  # the last days of the month, when the tool wears


def ensure_parameters(demo: Demo):
	for name in PARAMETERS:
		demo.ensure("Quality Inspection Parameter", name, {"parameter": name})
	for template, parameters in TEMPLATES.items():
		rows = []
		for p in parameters:
			numeric, spec = PARAMETERS[p]
			row = {"specification": p, "numeric": numeric}
			if numeric:
				row.update(min_value=spec[0], max_value=spec[1])
			else:
				row["value"] = spec
			rows.append(row)
		demo.ensure(
			"Quality Inspection Template",
			template,
			{"quality_inspection_template_name": template, "item_quality_inspection_parameter": rows},
		)


def ensure_plans(demo: Demo) -> dict[str, str]:
	from mom_app.setup.demo.data import ITEM_GROUPS

	names = {}
	for title, (stage, item, group, template, extra) in PLANS.items():
		values = {
			"title": title,
			"stage": stage,
			"item_code": item,
			"item_group": ITEM_GROUPS[group] if group else None,
			"quality_inspection_template": template,
			"sampling_method": "AQL",
			"inspection_level": "II",
			"aql_major": "",
			"aql_minor": "",
			"readings_per_parameter": 3,
			**extra,
		}
		names[title] = demo.ensure("Inspection Plan", {"title": title}, values)
	return names


def submit_inspection(demo: Demo, client_id: str, values: dict, readings: dict[str, list]) -> str | None:
	"""An inspection with its readings, submitted; None when it exists already."""
	if frappe.db.exists("Quality Inspection", {"mom_client_id": client_id}):
		return None
	qi = frappe.new_doc("Quality Inspection")
	qi.update({"inspected_by": "Administrator", "manual_inspection": 0, "mom_client_id": client_id, **values})
	qi.get_item_specification_details()
	for row in qi.readings:
		taken = readings.get(row.specification)
		if taken is None:
			continue
		if row.numeric:
			for i, v in enumerate(taken[:10], start=1):
				row.set(f"reading_{i}", f"{v:.3f}")
		else:
			row.reading_value = taken
	qi.insert()
	qi.submit()
	demo.count("Quality Inspection")
	return qi.name


def incoming_inspections(demo: Demo):
	"""The bar steel received in the genealogy week, inspected by its plan and accepted."""
	from mom_app.quality import plans

	rng = random.Random(35)
	rows = frappe.get_all(
		"Purchase Receipt Item",
		filters={"item_code": "RM-BAR-45", "docstatus": 1},
		fields=["parent", "name", "batch_no", "stock_qty"],
		order_by="creation",
	)
	plan = plans.find_plan("IQC", "RM-BAR-45")
	for row in rows:
		client = f"demo-iqc-{row.parent}-{row.name}"
		if frappe.db.exists("Quality Inspection", {"mom_client_id": client}) or not plan:
			continue
		supplier = frappe.db.get_value("Purchase Receipt", row.parent, "supplier")
		name = plans.create_inspection(
			plan, "Purchase Receipt", row.parent, "RM-BAR-45", row.stock_qty, row_key=row.name,
			batch_no=row.batch_no, supplier=supplier,
		)  # fmt: skip
		qi = frappe.get_doc("Quality Inspection", name)
		qi.mom_client_id = client
		for reading in qi.readings:
			if reading.numeric:
				for i in range(1, 6):
					reading.set(f"reading_{i}", f"{rng.gauss(35.0, 0.02):.3f}")
			else:
				reading.reading_value = reading.value
		qi.mom_defects_critical, qi.mom_defects_major, qi.mom_defects_minor = 0, 0, 1
		qi.save()
		qi.submit()
		demo.count("Quality Inspection")


def characteristic(demo: Demo, key: dict, values: dict) -> str:
	return demo.ensure("Quality Characteristic", key, {"enabled": 1, **values})


def shaft_history(demo: Demo, char: str):
	"""Two bearing-seat subgroups a day for a month, the last days drifting up as the tool wears."""
	card = frappe.get_all(
		"Job Card",
		filters={"production_item": "SA-SHAFT", "operation": "精车", "docstatus": 1},
		fields=["name", "work_order"],
		order_by="creation",
	)
	if not card:
		demo.note("no finish-turning job card from the genealogy week: the bearing-seat history is skipped")
		return
	card = card[-1]
	batch = frappe.db.get_value(
		"Genealogy Edge", {"work_order": card.work_order, "target_type": "Batch"}, "target_name"
	)
	rng = random.Random(2026)
	today = getdate(nowdate())
	for day in range(DAYS):
		date = add_days(today, day - DAYS + 1)
		for shift in range(2):
			drift = max(0, day - (DAYS - DRIFT_DAYS)) * 0.0011 + (
				shift * 0.0004 if day >= DAYS - DRIFT_DAYS else 0
			)
			values = [round(rng.gauss(20.000 + drift, 0.0016), 4) for _ in range(5)]
			submit_inspection(
				demo,
				f"demo-ipqc-shaft-{day:02d}-{shift}",
				{
					"inspection_type": "In Process",
					"reference_type": "Job Card",
					"reference_name": card.name,
					"item_code": "SA-SHAFT",
					"batch_no": batch,
					"sample_size": 5,
					"report_date": date,
					"quality_inspection_template": "输出轴精车检验",
					"mom_stage": "IPQC",
					"mom_work_order": card.work_order,
				},
				{"轴承位直径 Φ20": values, "表面质量": "无裂纹、无锈蚀"},
			)
	frappe.db.commit()


def quality_history(demo: Demo):
	demo.track(
		"Quality Inspection Parameter",
		"Quality Inspection Template",
		"Inspection Plan",
		"Quality Characteristic",
		"Quality Inspection",
	)
	if demo.warehouses.get("quarantine") and not frappe.db.get_single_value(
		"MOM Settings", "quarantine_warehouse"
	):
		frappe.db.set_single_value("MOM Settings", "quarantine_warehouse", demo.warehouses["quarantine"])
	ensure_parameters(demo)
	ensure_plans(demo)
	incoming_inspections(demo)
	shaft = characteristic(
		demo,
		{"item_code": "SA-SHAFT", "parameter": "轴承位直径 Φ20"},
		{
			"item_code": "SA-SHAFT",
			"data_source": "Inspection Readings",
			"parameter": "轴承位直径 Φ20",
			"spec_type": "Two-sided",
			"lsl": 19.990,
			"target": 20.000,
			"usl": 20.010,
			"unit": "mm",
			"chart_type": "Xbar-R",
			"subgroup_size": 5,
			"rules": [
				{"rule": "N1", "open_hold": 1},
				{"rule": "N2", "open_hold": 1},
				{"rule": "N3", "open_hold": 1},
				{"rule": "N5", "open_hold": 0},
				{"rule": "N6", "open_hold": 0},
			],
		},
	)
	characteristic(
		demo,
		{"item_code": "RM-BAR-45", "parameter": "外径 Φ35"},
		{
			"item_code": "RM-BAR-45",
			"data_source": "Inspection Readings",
			"parameter": "外径 Φ35",
			"spec_type": "Two-sided",
			"lsl": 34.90,
			"target": 35.00,
			"usl": 35.10,
			"unit": "mm",
			"chart_type": "I-MR",
			"rules": [{"rule": "WE1"}, {"rule": "WE2"}, {"rule": "WE3"}, {"rule": "WE4"}],
		},
	)
	device = frappe.db.get_value("IoT Device", {"workstation": "CNC-02"})
	if device and frappe.db.exists("IoT Tag", {"parent": device, "tag_key": "process"}):
		characteristic(
			demo,
			{"iot_device": device, "iot_tag": "process"},
			{
				"item_code": "SA-SHAFT",
				"data_source": "IoT Signal",
				"iot_device": device,
				"iot_tag": "process",
				"spec_type": "None",
				"unit": "°C",
				"chart_type": "I-MR",
				"max_points": 300,
				"rules": [{"rule": "N1"}, {"rule": "N2"}, {"rule": "N3"}],
			},
		)
	shaft_history(demo, shaft)
	from mom_app.quality.spc import recompute

	for name in frappe.get_all("Quality Characteristic", pluck="name"):
		recompute(name)
