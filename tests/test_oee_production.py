"""What a window produced for OEE: job-card quantities, the counted-scrap rule, the produced-weighted ideal
cycle time and machine counters that restart."""

from datetime import datetime

import pytest

from mom_app.engine.oee_production import (
	card_ideal_cycle_time,
	counted_scrap,
	counter_increase,
	fastest_ideal_cycle_time,
	from_counters,
	from_job_cards,
	use_counters,
	weighted_ideal_cycle_time,
)

START, END = datetime(2026, 3, 2, 6), datetime(2026, 3, 2, 14)


def at(hour, minute=0):
	return datetime(2026, 3, 2, hour, minute)


def log(card, log_end, completed=0, last_end=None, loss=0, rework=0, submitted=False, terminal=False):
	return {
		"job_card": card,
		"log_end": log_end,
		"completed_qty": completed,
		"last_end": last_end if last_end is not None else log_end,
		"process_loss_qty": loss,
		"rework_qty": rework,
		"submitted": submitted,
		"terminal_qty": terminal,
	}


# -- a card's ideal cycle time --------------------------------------------------------------------------


def test_card_ideal_cycle_time_prefers_the_work_order_operation():
	# 120 minutes for an order of 240: 30 s a unit, whatever the card's own required time says
	assert card_ideal_cycle_time(120, 240, 60, 60) == 30
	# no operation time (or no order quantity): the card's required time / its quantity
	assert card_ideal_cycle_time(None, 240, 60, 60) == 60
	assert card_ideal_cycle_time(120, 0, 60, 120) == 30
	assert card_ideal_cycle_time(0, 0, 0, 10) is None
	assert card_ideal_cycle_time() is None


# -- scrap ----------------------------------------------------------------------------------------------


def test_scrap_counts_only_when_real():
	assert counted_scrap(5, submitted=False, terminal_qty=False) == 0  # ERPNext's open quantity on a draft
	assert counted_scrap(5, submitted=True, terminal_qty=False) == 5
	assert counted_scrap(5, submitted=False, terminal_qty=True) == 5
	assert counted_scrap(None, submitted=True, terminal_qty=True) == 0


# -- quantities of a window -----------------------------------------------------------------------------


def test_good_is_the_closed_logs_ending_in_the_window():
	logs = [
		log("A", at(8), completed=10, last_end=at(15)),
		log("A", at(14), completed=7, last_end=at(15)),  # ends at the window's end: the next window's
		log("A", None, completed=99, last_end=at(15)),  # open: nothing completed yet
		log("B", at(5, 59), completed=3, last_end=at(5, 59)),  # before the window
	]
	prod = from_job_cards(START, END, logs, {"A": 30, "B": 30})
	assert (prod["good"], prod["scrap"], prod["rework"], prod["produced"]) == (10, 0, 0, 10)
	assert prod["ideal_cycle_time"] == 30


def test_scrap_and_rework_count_once_in_the_window_of_the_last_log():
	logs = [
		log("A", at(8), completed=10, last_end=at(12), loss=2, rework=1, submitted=True),
		log("A", at(12), completed=5, last_end=at(12), loss=2, rework=1, submitted=True),
		# a draft card kept by hand: its process loss is ERPNext's open quantity, not scrap
		log("B", at(9), completed=4, last_end=at(9), loss=6, rework=0),
		# the terminal reported this card's scrap: it counts on a draft
		log("C", at(10), completed=1, last_end=at(10), loss=3, terminal=True),
		# the last log of D ends after the window: its scrap belongs to that later window
		log("D", at(11), completed=2, last_end=at(16), loss=4, submitted=True),
	]
	prod = from_job_cards(START, END, logs, {})
	assert prod["good"] == 10 + 5 + 4 + 1 + 2
	assert prod["scrap"] == 2 + 3
	assert prod["rework"] == 1
	assert prod["produced"] == 22 + 5 + 1
	assert prod["ideal_cycle_time"] is None  # no card's ideal cycle time is known


def test_ideal_cycle_time_is_weighted_by_what_each_card_produced():
	logs = [
		log("fast", at(8), completed=90, last_end=at(8), loss=10, submitted=True),  # 100 units at 10 s
		log("slow", at(9), completed=20, last_end=at(9), rework=5, terminal=True),  # 25 units at 60 s
		log("unknown", at(10), completed=1000, last_end=at(10)),  # no ideal time: not in the average
	]
	prod = from_job_cards(START, END, logs, {"fast": 10, "slow": 60, "unknown": None})
	assert prod["ideal_cycle_time"] == pytest.approx((100 * 10 + 25 * 60) / 125)
	# the plain average of the cards' times (35 s) would be wrong
	assert prod["ideal_cycle_time"] != pytest.approx(35)


def test_weighted_ideal_cycle_time_skips_unknown_and_zero():
	assert weighted_ideal_cycle_time({"a": 3, "b": 1}, {"a": 10, "b": 50}) == pytest.approx(20)
	assert weighted_ideal_cycle_time({"a": 3, "b": 1}, {"a": 0, "b": None}) is None
	assert weighted_ideal_cycle_time({}, {"a": 10}) is None


# -- machine counters -----------------------------------------------------------------------------------


def test_counter_rise_survives_a_restart():
	# 100 before the window, then 104, 110, a restart at 3, 9: 10 + 3 + 6 = 19
	assert counter_increase([104, 110, 3, 9], before=100) == 19
	# no value before the window: the first one in it is the starting point
	assert counter_increase([104, 110, 3, 9]) == 6 + 3 + 6
	assert counter_increase([], before=100) == 0
	assert counter_increase([None, 5], before=None) == 5  # a NULL value is 0


def test_fastest_bom_operation():
	assert fastest_ideal_cycle_time([(10, 20), (5, 5), (1, 0)]) == 30  # 1 minute for a BOM of 0 counts 1
	assert fastest_ideal_cycle_time([(10, 20), (5, 5)]) == 30
	assert fastest_ideal_cycle_time([(0, 5)]) is None
	assert fastest_ideal_cycle_time([]) is None


def test_counters_only_when_job_cards_report_nothing():
	assert use_counters({"produced": 0}, has_counters=True)
	assert not use_counters({"produced": 1}, has_counters=True)
	assert not use_counters({"produced": 0}, has_counters=False)


def test_from_counters():
	prod = from_counters([19, 1], [1], 12.5)
	assert prod == {"good": 20, "scrap": 1, "rework": 0, "produced": 21, "ideal_cycle_time": 12.5}
