"""Meter readings typed in by a technician ("the hour meter shows 12,345.6"): `record(asset, meter, value,
client_id)`, what the Asset Meter endpoint record_meter_reading (and the /maintenance page) calls.

- Who: a user who may change the Asset Meter (write permission: technicians, supervisors, managers).
- The value is the meter's new total (engine.maintenance.meters.apply_manual): a number (digits, an optional
  decimal point, optionally grouped by commas), not below the current total, not more above it than the
  meter's maximum increase per hour allows since its last reading. A bad value is refused with a message that
  says why, and nothing is written.
- Exactly once: the client-made id is stored on the reading (unique). A retry gets the stored reading back
  with "replayed": true; so does a twin that waited for the meter's row lock (the id is checked again with a
  locking read, which sees what the first committed).
- Then the meter's average use is updated and the asset's maintenance plans are scanned at once
  (mom_app.plant_maintenance.plans.scan), so a reading that reaches a plan's due value opens its order now.
"""

import re

import frappe
from frappe import _
from frappe.utils import escape_html, flt, now_datetime

from mom_app.engine.maintenance.meters import REFUSED, apply_manual
from mom_app.iot.clock import to_unix
from mom_app.plant_maintenance.meters.state import METER, READING, insert_reading, lock, save_state, state_of

MAX_CLIENT_ID = 140
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
SAVEPOINT = "mom_meter_reading"


class MeterReadingError(frappe.ValidationError):
	pass


def fail(message: str):
	frappe.throw(message, MeterReadingError, title=_("Meter Reading"))


def parse_value(value) -> float:
	"""A typed number: digits with an optional decimal point, commas grouping thousands allowed."""
	if isinstance(value, bool) or value is None:
		fail(_("Enter the meter reading as a number, e.g. 12345.6."))
	if isinstance(value, int | float):
		number = float(value)
	else:
		text = str(value).strip()
		if not NUMBER.fullmatch(text):
			fail(
				_("{0} is not a number: enter the meter reading as a number, e.g. 12345.6.").format(
					escape_html(text[:40])
				)
			)
		number = float(text.replace(",", ""))
	if number != number or number in (float("inf"), float("-inf")):
		fail(_("Enter the meter reading as a number, e.g. 12345.6."))
	if number < 0:
		fail(_("A meter reading cannot be negative."))
	return number


def resolve(asset: str, meter: str) -> str:
	"""The Asset Meter named `meter` (its ID, or its meter name on `asset`)."""
	asset, meter = (asset or "").strip(), (meter or "").strip()
	if not meter:
		fail(_("Choose the meter."))
	row = frappe.db.get_value(METER, meter, ["name", "asset"], as_dict=True)
	if row and (not asset or row.asset == asset):
		return row.name
	if asset:
		name = frappe.db.get_value(METER, {"asset": asset, "meter_name": meter}, "name")
		if name:
			return name
	fail(
		_("Asset {0} has no meter {1}.").format(escape_html(asset or "-"), escape_html(meter))
		if asset
		else _("Unknown meter {0}.").format(escape_html(meter))
	)


REPLAY = "select name from `tabAsset Meter Reading` where client_id = %s"
REPLAY_LOCKING = "select name from `tabAsset Meter Reading` where client_id = %s for update"


def replayed(client_id: str, locking: bool = False) -> dict | None:
	"""The stored answer of a reading with this client id (a locking read sees what others committed)."""
	rows = frappe.db.sql(REPLAY_LOCKING if locking else REPLAY, client_id)
	return answer(rows[0][0], replayed=True) if rows else None


def answer(reading: str, replayed: bool = False, message: str | None = None) -> dict:
	row = frappe.db.get_value(
		READING,
		reading,
		["asset_meter", "asset", "increase", "total", "raw_value", "reading_time"],
		as_dict=True,
	)
	meter = frappe.db.get_value(METER, row.asset_meter, ["meter_name", "unit", "usage_rate"], as_dict=True)
	return {
		"reading": reading,
		"meter": row.asset_meter,
		"meter_name": meter.meter_name,
		"asset": row.asset,
		"value": row.raw_value,
		"increase": row.increase,
		"total": row.total,
		"unit": meter.unit or "",
		"usage_rate": meter.usage_rate,
		"reading_time": str(row.reading_time),
		"replayed": replayed,
		"message": message
		or _("Meter {0} reads {1} (+{2}).").format(
			escape_html(meter.meter_name), _number(row.total, meter.unit), _number(row.increase, meter.unit)
		),
	}


def _number(value, unit) -> str:
	text = f"{flt(value):,.1f}".removesuffix(".0")
	return f"{text} {escape_html(unit)}" if unit else text


def refusal(reason: str, value: float, meter) -> str:
	shown = _number(value, meter.unit)
	if reason == "below_total":
		return _(
			"{0} is below the meter's total {1}: a meter never runs backwards. Check the reading; a replaced "
			"meter is set up as a new Asset Meter."
		).format(shown, _number(meter.current_total, meter.unit))
	if reason == "implausible_increase":
		return _(
			"{0} is more above the meter's total {1} than its maximum increase of {2} per hour allows since "
			"its last reading. Check the reading."
		).format(
			shown, _number(meter.current_total, meter.unit), _number(meter.max_rate_per_hour, meter.unit)
		)
	if reason == "late":
		return _("The meter has a newer reading; enter the reading again.")
	return _("Enter the meter reading as a number, e.g. 12345.6.")


def record(asset: str, meter: str, value, client_id: str) -> dict:
	"""Record a typed meter reading once per client id (see the module docstring)."""
	client_id = (client_id or "").strip()
	if not client_id or len(client_id) > MAX_CLIENT_ID:
		fail(_("The request has no valid id; reload the page."))
	again = replayed(client_id)
	if again:
		return again
	name = resolve(asset, meter)
	if not frappe.has_permission(METER, "write", doc=name):
		raise frappe.PermissionError(_("You may not record readings of meter {0}.").format(name))
	number = parse_value(value)
	row = lock(name)
	if not row.enabled:
		fail(_("Meter {0} is disabled.").format(escape_html(row.meter_name)))
	again = replayed(client_id, locking=True)
	if again:
		return again
	ts = to_unix(now_datetime())
	new_state, result = apply_manual(state_of(row), ts, number, flt(row.max_rate_per_hour) or None)
	if result.kind == REFUSED:
		fail(refusal(result.reason, number, row))
	reading = insert_reading(
		row,
		"Manual",
		result.kind,
		{"ts": ts, "increase": result.increase, "total": result.total, "raw": number},
		entered_by=frappe.session.user,
		client_id=client_id,
	)
	save_state(name, new_state, last_reading_at=frappe.db.get_value(READING, reading, "reading_time"))
	after_reading(name, row.asset)
	return answer(reading)


def after_reading(meter: str, asset: str) -> None:
	"""The meter's average use, and the asset's plans scanned at once (a failure there is logged: the reading
	stays recorded)."""
	from mom_app.plant_maintenance.meters.rates import update_rates
	from mom_app.plant_maintenance.plans.scan import scan

	update_rates([meter])
	frappe.db.savepoint(SAVEPOINT)
	try:
		scan(assets=[asset])
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title="Maintenance plan scan after a meter reading")
