"""The technician's work list: mine and unassigned open orders, by priority and due time."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mom_app.engine.maintenance.orders import PRIORITIES
from mom_app.engine.maintenance.worklist import due_time, sort_key, worklist

NOW = datetime(2026, 3, 2, 10, 0)
ME = "tech@example.com"


def order(name, priority="Medium", state="Approved", assigned=(), **times):
	return {
		"name": name,
		"priority": priority,
		"state": state,
		"assigned": list(assigned),
		"reported": times.pop("reported", datetime(2026, 3, 1, 8, 0)),
		**times,
	}


def test_due_time_is_the_earliest_deadline_still_ahead():
	# not acknowledged: the response target comes first
	o = order("A", response_due=datetime(2026, 3, 2, 9), repair_due=datetime(2026, 3, 2, 16))
	assert due_time(o) == datetime(2026, 3, 2, 9)
	# acknowledged: the response target is met, the repair target is left
	o["acknowledged"] = datetime(2026, 3, 2, 8, 30)
	assert due_time(o) == datetime(2026, 3, 2, 16)
	# back in service: no target left
	o["back_in_service"] = datetime(2026, 3, 2, 12)
	assert due_time(o) is None
	# a PM order is due by the end of its due date, until it is completed
	pm = order("P", due_date=date(2026, 3, 4), acknowledged=NOW)
	assert due_time(pm) == datetime(2026, 3, 4, 23, 59, 59)
	pm["repair_due"] = datetime(2026, 3, 3, 12)
	assert due_time(pm) == datetime(2026, 3, 3, 12)
	pm.update(repair_due=None, completed=NOW)
	assert due_time(pm) is None
	assert due_time(order("N")) is None


def test_mine_and_unassigned_sorted_by_priority_then_due_time():
	orders = [
		order("LOW-MINE", "Low", assigned=[ME], repair_due=datetime(2026, 3, 2, 11)),
		order("HIGH-LATE", "High", assigned=[ME, "other@example.com"], repair_due=datetime(2026, 3, 3, 8)),
		order("HIGH-SOON", "High", assigned=[ME], repair_due=datetime(2026, 3, 2, 12)),
		order("EMERGENCY-NO-DUE", "Emergency", assigned=[ME]),
		order("EMERGENCY-DUE", "Emergency", assigned=[ME], response_due=datetime(2026, 3, 2, 9, 45)),
		order("OTHERS", "Emergency", assigned=["other@example.com"]),
		order("DONE", "Emergency", state="Completed", assigned=[ME]),
		order("VERIFIED", "High", state="Verified"),
		order("CANCELLED", "High", state="Cancelled"),
		order("FREE-PM", "Low", due_date=date(2026, 3, 1)),
		order("FREE-MEDIUM", "Medium", state="Requested", response_due=datetime(2026, 3, 2, 14)),
		order(
			"FREE-MEDIUM-OLD", "Medium", reported=datetime(2026, 2, 1), response_due=datetime(2026, 3, 2, 14)
		),
	]
	result = worklist(orders, ME, NOW)
	assert [o["name"] for o in result.mine] == [
		"EMERGENCY-DUE",
		"EMERGENCY-NO-DUE",
		"HIGH-SOON",
		"HIGH-LATE",
		"LOW-MINE",
	]
	assert [o["name"] for o in result.unassigned] == ["FREE-MEDIUM-OLD", "FREE-MEDIUM", "FREE-PM"]
	by_name = {o["name"]: o for o in result.mine + result.unassigned}
	assert by_name["EMERGENCY-DUE"]["overdue"] is True  # 9:45 < 10:00
	assert by_name["EMERGENCY-NO-DUE"]["overdue"] is False
	assert by_name["HIGH-SOON"]["due"] == datetime(2026, 3, 2, 12)
	assert by_name["FREE-PM"]["overdue"] is True  # due by the end of yesterday
	assert by_name["LOW-MINE"]["overdue"] is False


def test_unknown_priority_and_state():
	# an admin's renamed state is open work; a priority the engine does not know sorts after Low
	result = worklist([order("ODD", "Urgent", state="Awaiting Crane"), order("LOW", "Low")], ME, NOW)
	assert [o["name"] for o in result.unassigned] == ["LOW", "ODD"]


def test_bad_inputs_are_named():
	with pytest.raises(ValueError, match="repair_due"):
		due_time(order("X", repair_due="tomorrow"))
	with pytest.raises(ValueError, match="due_date"):
		due_time(order("X", due_date="2026-03-01"))
	with pytest.raises(ValueError, match="now"):
		worklist([], ME, None)


times = st.one_of(st.none(), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
orders_strategy = st.lists(
	st.fixed_dictionaries(
		{
			"name": st.text(min_size=1, max_size=6),
			"priority": st.sampled_from((*PRIORITIES, "Odd")),
			"state": st.sampled_from(
				("Requested", "Approved", "In Progress", "Waiting for Parts", "Completed", "Cancelled")
			),
			"assigned": st.lists(st.sampled_from((ME, "a@x", "b@x")), max_size=2, unique=True),
			"reported": times,
			"acknowledged": times,
			"response_due": times,
			"repair_due": times,
			"due_date": st.one_of(
				st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))
			),
		}
	),
	max_size=30,
)


@given(orders_strategy)
def test_every_open_order_of_mine_or_nobodys_is_listed_once_in_order(orders):
	result = worklist(orders, ME, NOW)
	listed = result.mine + result.unassigned
	assert len(listed) == sum(
		1
		for o in orders
		if o["state"] not in ("Completed", "Cancelled") and (not o["assigned"] or ME in o["assigned"])
	)
	assert all(ME in o["assigned"] for o in result.mine)
	assert all(not o["assigned"] for o in result.unassigned)
	for rows in (result.mine, result.unassigned):
		keys = [sort_key(o) for o in rows]
		assert keys == sorted(keys)
		ranks = [(PRIORITIES.index(o["priority"]) if o["priority"] in PRIORITIES else 4) for o in rows]
		assert ranks == sorted(ranks)
	for o in listed:
		assert o["overdue"] == (o["due"] is not None and o["due"] < NOW)
