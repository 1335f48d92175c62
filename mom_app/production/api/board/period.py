"""A board's period of a workstation ("shift": this shift, "day": today) and its OEE, computed live.

The period's windows come from the workstation's shifts (mom_app.production.oee.windows: its Shift Patterns,
else its working hours); which window is "this shift" is the engine's choice (engine.line_board:
the shift running, else the one that ended last, else the next). The OEE of the period is computed now by the
same engine and adapter that store OEE Records (production.oee.compute, each window cut at now), and rolled
up from the summed times (engine.line_board.period_oee): the tile and the drill-down call this one function,
so they show one figure for one period, and both say which period it is."""

from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, formatdate, get_datetime, getdate, now_datetime

from mom_app.engine.line_board import ENDED, RUNNING, UPCOMING, current_window, day_windows, period_oee
from mom_app.production import oee

SHIFT, DAY = "shift", "day"
PERIODS = (SHIFT, DAY)


def check_period(period: str | None) -> str:
	period = (period or SHIFT).strip().lower()
	if period not in PERIODS:
		frappe.throw(
			_("Unknown period {0}: choose this shift or today.").format(frappe.bold(escape_html(period)))
		)
	return period


def check_as_of(as_of: str | None) -> datetime:
	"""The moment a figure is computed at: `as_of` (a tile's) within the last day, else now."""
	now = now_datetime()
	if not as_of:
		return now
	try:
		moment = get_datetime(as_of)
	except Exception:
		frappe.throw(_("{0} is not a date and time.").format(frappe.bold(escape_html(as_of))))
	return min(max(moment, now - timedelta(days=1)), now)


def shift_name(name: str | None) -> str:
	"""A window's shift as the reader knows it (the working-hours shift is named by the app, in English)."""
	if name == oee.WORKING_HOURS_SHIFT:
		return _("Working Hours")
	return name or ""


def _hhmm(moment: datetime) -> str:
	return get_datetime(moment).strftime("%H:%M")


def period_of(workstation: str, period: str, now: datetime) -> dict:
	"""The workstation's windows of the period and how to say it: {period, how, shift, day, start, end,
	windows, label}. `how` is running / ended / upcoming for a shift; start and end span the windows (the
	whole day when there are none)."""
	today = getdate(now)
	windows = oee.windows(workstation, add_days(today, -1), add_days(today, 1))
	chosen, how, shift = [], None, None
	if period == SHIFT:
		window, how = current_window(windows, now)
		chosen = [window] if window else []
		shift = window.shift if window else None
	else:
		chosen = day_windows(windows, today)
	if chosen:
		start, end = min(w.start for w in chosen), max(w.end for w in chosen)
		day = chosen[0].day
	else:
		start, end, day = get_datetime(today), get_datetime(add_days(today, 1)), today
	return {
		"period": period,
		"how": how,
		"shift": shift,
		"shift_label": shift_name(shift) if shift else None,
		"day": day,
		"start": start,
		"end": end,
		"windows": chosen,
		"label": label(period, how, chosen, day, today),
	}


def label(period: str, how: str | None, windows: list, day, today) -> str:
	if period == DAY:
		if not windows:
			return _("Today · {0} · no shift planned").format(formatdate(today))
		return _("Today · {0}").format(formatdate(today))
	if not windows:
		return _("This shift · no shift planned")
	w = windows[0]
	times = f"{_hhmm(w.start)}–{_hhmm(w.end)}"
	when = times if w.day == today else f"{formatdate(w.day)} {times}"
	if how == RUNNING:
		return _("This shift · {0} {1}").format(shift_name(w.shift), when)
	if how == ENDED:
		return _("Last shift (ended) · {0} {1}").format(shift_name(w.shift), when)
	if how == UPCOMING:
		return _("Next shift (not started) · {0} {1}").format(shift_name(w.shift), when)
	return shift_name(w.shift)


def period_records(workstation: str, p: dict, now: datetime) -> list:
	"""Engine OEE records of the period's windows, each cut at now (none for a window not yet begun)."""
	if not p["windows"]:
		return []
	days = sorted({w.day for w in p["windows"]})
	keys = {(w.shift, w.day) for w in p["windows"]}
	return [r for r in oee.compute(workstation, days[0], days[-1], now=now) if (r.shift, r.day) in keys]


def figures(workstation: str, period: str, now: datetime) -> tuple[dict, dict]:
	"""(period, OEE figures) of a workstation: what the tile and the drill-down both show."""
	p = period_of(workstation, period, now)
	return p, period_oee(period_records(workstation, p, now))


def public(p: dict) -> dict:
	"""The period as the page gets it (no window objects)."""
	return {
		"period": p["period"],
		"how": p["how"],
		"shift": p["shift"],
		"shift_label": p["shift_label"],
		"day": str(p["day"]),
		"start": str(p["start"]),
		"end": str(p["end"]),
		"label": p["label"],
	}
