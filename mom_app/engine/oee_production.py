"""What a window produced, for OEE: good, scrap and rework quantities and the ideal cycle time.

Two sources, job cards first:

Job cards (`from_job_cards`). The adapter gives the time logs of the workstation's job cards that overlap the
window, each a plain dict:

	{"job_card": "PO-JOB00001", "log_end": datetime or None (an open log), "completed_qty": 10,
	 "last_end": end of the card's last time log (now for an open one), "process_loss_qty": 2,
	 "rework_qty": 1, "submitted": False, "terminal_qty": True}

- good: the completed quantity of every closed time log that ends in the window, [start, end); an open log
  has completed nothing yet;
- scrap and rework of a card count once, in the window where its last time log ends. Scrap is the card's
  process loss only when it is real (`counted_scrap`): the card is submitted, or its quantities come from
  the terminal. On a draft card ERPNext calls the quantity still open "process loss", which is no scrap;
- the ideal cycle time of the window is weighted by what each card produced in it (its good units in the
  window plus its scrap and rework when they count there): sum(PRU x units) / sum(units) over the cards
  whose ideal cycle time is known, None when none is.

A card's ideal cycle time (`card_ideal_cycle_time`, seconds per unit) is its Work Order operation's time /
the order quantity, else the job card's required time / its quantity, else unknown.

Machine counters (`from_counters`), when no job card reports anything in a window (`use_counters`): the
rise of the machine's Good Count and Reject Count tags (`counter_increase` of each tag's minute values; a
counter that restarts from zero counts its new value), with the ideal cycle time of the fastest BOM
operation planned on the workstation (`fastest_ideal_cycle_time`).

Quantities are floats; None and "" count as 0 (a database NULL).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime


def _num(value) -> float:
	if value in (None, ""):
		return 0.0
	return float(value)


def card_ideal_cycle_time(
	operation_minutes=None, order_qty=None, time_required=None, for_quantity=None
) -> float | None:
	"""Seconds per unit of a job card: the Work Order operation's minutes x 60 / the order quantity, else the
	card's required minutes x 60 / its quantity; None when neither is known (a zero counts as unknown)."""
	if _num(operation_minutes) > 0 and _num(order_qty) > 0:
		return _num(operation_minutes) * 60 / _num(order_qty)
	if _num(time_required) > 0 and _num(for_quantity) > 0:
		return _num(time_required) * 60 / _num(for_quantity)
	return None


def counted_scrap(process_loss_qty, submitted: bool, terminal_qty: bool) -> float:
	"""The scrap a job card reports: its process loss when the card is submitted or its quantities come from
	the terminal; 0 on a draft card kept by hand (ERPNext's process loss there is the quantity still open)."""
	return _num(process_loss_qty) if submitted or terminal_qty else 0.0


def from_job_cards(
	start: datetime, end: datetime, logs: Iterable[Mapping], ideal_cycle_times: Mapping[str, float | None]
) -> dict:
	"""{good, scrap, rework, produced, ideal_cycle_time} of the window [start, end) from job-card time logs
	(see the module docstring); `ideal_cycle_times` maps each job card to its seconds per unit or None."""
	good = scrap = rework = 0.0
	counted_cards = set()
	per_card: dict[str, float] = {}
	for log in logs:
		card = log["job_card"]
		log_end = log.get("log_end")
		if log_end is not None and start <= log_end < end:
			qty = _num(log.get("completed_qty"))
			good += qty
			per_card[card] = per_card.get(card, 0.0) + qty
		if card in counted_cards:
			continue
		last_end = log.get("last_end")
		if last_end is not None and start <= last_end < end:
			counted_cards.add(card)
			card_scrap = counted_scrap(
				log.get("process_loss_qty"), bool(log.get("submitted")), bool(log.get("terminal_qty"))
			)
			card_rework = _num(log.get("rework_qty"))
			scrap += card_scrap
			rework += card_rework
			per_card[card] = per_card.get(card, 0.0) + card_scrap + card_rework
	return {
		"good": good,
		"scrap": scrap,
		"rework": rework,
		"produced": good + scrap + rework,
		"ideal_cycle_time": weighted_ideal_cycle_time(per_card, ideal_cycle_times),
	}


def weighted_ideal_cycle_time(
	units: Mapping[str, float], ideal_cycle_times: Mapping[str, float | None]
) -> float | None:
	"""sum(PRU x units) / sum(units) over the keys whose PRU is known (not None, not 0); None when none is."""
	ideal_time = known_units = 0.0
	for key, n in units.items():
		pru = ideal_cycle_times.get(key)
		if pru:
			ideal_time += pru * n
			known_units += n
	return ideal_time / known_units if known_units else None


def counter_increase(values: Iterable, before=None) -> float:
	"""How much a part counter rose over its values in time order; `before` is its last value before them
	(None: the first value is the starting point). A value below the previous one is a counter that
	restarted from zero: it counts its new value."""
	total = 0.0
	previous = None if before is None else _num(before)
	for value in values:
		value = _num(value)
		if previous is None:
			previous = value
		total += value - previous if value >= previous else value
		previous = value
	return total


def fastest_ideal_cycle_time(operations: Iterable[tuple]) -> float | None:
	"""Seconds per unit of the fastest of (minutes, BOM quantity) operations: minutes x 60 / quantity (a BOM
	quantity of 0 counts as 1); operations without time are skipped; None when none is left."""
	times = [_num(minutes) * 60 / (_num(qty) or 1) for minutes, qty in operations if _num(minutes) > 0]
	return min(times) if times else None


def use_counters(job_cards: Mapping, has_counters: bool) -> bool:
	"""Whether the machine's counters give the window's quantities: only when the job cards report nothing
	in it and the machine has a Good Count or Reject Count tag."""
	return has_counters and not _num(job_cards.get("produced"))


def from_counters(
	good_increases: Iterable[float], reject_increases: Iterable[float], ideal_cycle_time: float | None
) -> dict:
	"""{good, scrap, rework, produced, ideal_cycle_time} from the rises of the machine's good and reject
	counters (each tag's counter_increase); rejects are scrap, there is no rework."""
	good = sum(_num(v) for v in good_increases)
	reject = sum(_num(v) for v in reject_increases)
	return {
		"good": good,
		"scrap": reject,
		"rework": 0.0,
		"produced": good + reject,
		"ideal_cycle_time": ideal_cycle_time,
	}
