"""Maintenance KPIs on a hand-computed month: MTBF, MTTR, MTTA, mean downtime, inherent availability, PM
compliance, backlog, planned share, cost per asset; grouping and periods; bad inputs."""

import math
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mom_app.engine.maintenance.kpis import compute, period_end, period_start

ASSETS = {
	"A1": {"workstation": "W1", "category": "CNC"},
	"A2": {"workstation": "W2", "category": "CNC"},
	"A3": {"workstation": "W3", "category": "Press"},
}


def t(day, h, m=0, month=3):
	return datetime(2024, month, day, h, m)


def operating_rows():
	rows = [{"asset": "A1", "day": date(2024, 2, 28), "running_hours": 99, "planned_busy_hours": 99}]
	for d in range(1, 21):
		rows.append({"asset": "A1", "day": date(2024, 3, d), "running_hours": 16, "planned_busy_hours": 20})
		rows.append({"asset": "A2", "day": date(2024, 3, d), "running_hours": None, "planned_busy_hours": 8})
	for d in range(1, 11):
		rows.append({"asset": "A3", "day": date(2024, 3, d), "running_hours": 10, "planned_busy_hours": 16})
	return rows


ORDERS = [
	{
		"name": "O1",
		"asset": "A1",
		"type": "Corrective",
		"reported": t(5, 8),
		"acknowledged": t(5, 8, 30),
		"repair_start": t(5, 9),
		"back_in_service": t(5, 11),
		"completed": t(5, 11, 30),
		"labour_hours": 2.5,
		"cost": 300,
		"estimated_hours": 3,
	},
	{
		"name": "O2",
		"asset": "A1",
		"type": "Corrective",
		"reported": t(12, 10),
		"acknowledged": t(12, 10, 10),
		"repair_start": t(12, 10, 20),
		"back_in_service": t(12, 10, 50),
		"completed": t(12, 11),
		"labour_hours": 0.5,
		"cost": 50,
		"estimated_hours": 1,
	},
	{
		"name": "O3",
		"asset": "A1",
		"type": "Preventive",
		"reported": t(1, 7),
		"due": date(2024, 3, 10),
		"repair_start": t(9, 8),
		"back_in_service": t(9, 10),
		"completed": t(9, 10),
		"labour_hours": 2,
		"cost": 100,
		"estimated_hours": 2,
	},
	{
		"name": "O4",
		"asset": "A2",
		"type": "Corrective",
		"failure": True,
		"reported": t(20, 14),
		"acknowledged": t(20, 15),
		"back_in_service": t(20, 17),
		"completed": t(20, 17, 30),
		"labour_hours": 2,
		"cost": 0,
		"estimated_hours": 2,
	},
	{
		"name": "O5",
		"asset": "A2",
		"type": "Preventive",
		"reported": t(10, 8),
		"due": date(2024, 3, 15),
		"estimated_hours": 4,
	},
	{
		"name": "O6",
		"asset": "A3",
		"type": "Corrective",
		"reported": t(30, 9),
		"acknowledged": t(30, 9, 5),
		"estimated_hours": 5,
	},
	{
		"name": "O7",
		"asset": "A3",
		"type": "Corrective",
		"failure": False,  # a request, not a failure
		"reported": t(3, 8),
		"acknowledged": t(3, 9),
		"completed": t(4, 8),
		"labour_hours": 1,
		"cost": 20,
		"estimated_hours": 1,
	},
	{
		"name": "O8",
		"asset": "A1",
		"type": "Corrective",
		"reported": t(27, 8, month=2),
		"acknowledged": t(27, 9, month=2),
		"back_in_service": t(28, 9, month=2),
		"completed": t(2, 8),
		"estimated_hours": 1,
	},
	{
		"name": "O9",
		"asset": "A2",
		"type": "Inspection",
		"reported": t(25, 8),
		"due": date(2024, 4, 5),
		"estimated_hours": 1.5,
	},
]

MARCH = {"start": date(2024, 3, 1), "end": date(2024, 3, 31), "as_of": date(2024, 4, 1)}


def by(rows, key):
	return {r[key]: r for r in rows}


def test_hand_computed_month_per_asset():
	rows = by(compute(ORDERS, operating_rows(), ASSETS, **MARCH), "asset")
	a1, a2, a3 = rows["A1"], rows["A2"], rows["A3"]

	# A1: 20 days x 16 h of Running; failures O1, O2 (O8 was reported in February)
	assert a1["operating_hours"] == 320 and a1["failures"] == 2 and a1["mtbf_hours"] == 160
	assert a1["repairs"] == 2 and a1["repair_hours"] == pytest.approx(2.5)  # 09:00-11:00 and 10:20-10:50
	assert a1["mttr_hours"] == pytest.approx(1.25)
	assert a1["mdt_hours"] == pytest.approx((3 + 50 / 60) / 2)  # 08:00-11:00 and 10:00-10:50
	assert a1["acknowledged"] == 2 and a1["mtta_hours"] == pytest.approx((30 + 10) / 60 / 2)
	assert a1["inherent_availability"] == pytest.approx(160 / (160 + 1.25))
	assert (a1["pm_due"], a1["pm_on_time"], a1["pm_compliance"]) == (1, 1, 1.0)
	assert a1["backlog_hours"] == 0
	assert (a1["planned_hours"], a1["unplanned_hours"]) == (2, 3) and a1["planned_share"] == pytest.approx(
		0.4
	)
	assert a1["planned_downtime_hours"] == 2
	assert a1["unplanned_downtime_hours"] == pytest.approx(3 + 50 / 60)
	assert a1["planned_downtime_share"] == pytest.approx(2 / (2 + 3 + 50 / 60))
	assert (a1["cost"], a1["assets"], a1["cost_per_asset"]) == (450, 1, 450)
	assert a1["orders"] == ["O1", "O2", "O3"] and a1["inconsistent"] == []
	assert "workstation" not in a1 and a1["period"] is None

	# A2: no state log, so planned busy time; the repair counted from the acknowledgement (no repair start)
	assert a2["operating_hours"] == 160 and a2["failures"] == 1 and a2["mtbf_hours"] == 160
	assert a2["repair_hours"] == 2 and a2["mttr_hours"] == 2 and a2["mdt_hours"] == 3
	assert a2["mtta_hours"] == 1 and a2["inherent_availability"] == pytest.approx(160 / 162)
	assert (a2["pm_due"], a2["pm_on_time"], a2["pm_compliance"]) == (1, 0, 0.0)  # O5 late; O9 due in April
	assert a2["backlog_hours"] == 4 + 1.5  # O5 and O9 open at the end of March
	assert a2["planned_share"] == 0 and a2["unplanned_downtime_hours"] == 3
	assert a2["cost_per_asset"] == 0 and a2["orders"] == ["O4", "O5", "O9"]

	# A3: one failure not repaired yet; the request O7 is not a failure
	assert a3["operating_hours"] == 100 and a3["failures"] == 1 and a3["mtbf_hours"] == 100
	assert a3["repairs"] == 0 and a3["mttr_hours"] is None and a3["inherent_availability"] is None
	assert a3["mtta_hours"] == pytest.approx((5 / 60 + 1) / 2)
	assert a3["backlog_hours"] == 5 and a3["pm_compliance"] is None
	assert a3["planned_downtime_share"] is None and a3["cost"] == 20


def test_by_category_sums_before_dividing():
	rows = by(compute(ORDERS, operating_rows(), ASSETS, group_by=("category",), **MARCH), "category")
	cnc = rows["CNC"]
	assert cnc["operating_hours"] == 480 and cnc["failures"] == 3 and cnc["mtbf_hours"] == 160
	assert cnc["repairs"] == 3 and cnc["mttr_hours"] == pytest.approx(4.5 / 3)
	assert cnc["inherent_availability"] == pytest.approx(160 / 161.5)
	assert (cnc["pm_due"], cnc["pm_on_time"]) == (2, 1) and cnc["backlog_hours"] == 5.5
	assert (cnc["assets"], cnc["cost_per_asset"]) == (2, 225)
	assert rows["Press"]["assets"] == 1


def test_all_together_and_by_workstation_and_category():
	[whole] = compute(ORDERS, operating_rows(), ASSETS, group_by=(), **MARCH)
	assert whole["operating_hours"] == 580 and whole["failures"] == 4 and whole["mtbf_hours"] == 145
	assert whole["assets"] == 3 and whole["cost"] == 470
	rows = compute(ORDERS, operating_rows(), ASSETS, group_by=("workstation", "category"), **MARCH)
	assert [(r["workstation"], r["category"]) for r in rows] == [
		("W1", "CNC"),
		("W2", "CNC"),
		("W3", "Press"),
	]


def test_an_order_naming_its_workstation_is_grouped_by_it():
	orders = [{"name": "X", "asset": "A1", "workstation": "W9", "type": "Corrective", "reported": t(5, 8)}]
	rows = compute(orders, [], ASSETS, group_by=("workstation",))
	assert [(r["workstation"], r["failures"]) for r in rows] == [("W9", 1)]


def test_monthly_periods():
	rows = compute(
		ORDERS,
		operating_rows(),
		ASSETS,
		group_by=("asset",),
		period="month",
		start=date(2024, 2, 1),
		end=date(2024, 3, 31),
		as_of=date(2024, 4, 1),
	)
	keyed = {(r["asset"], r["period"]): r for r in rows}
	feb = keyed[("A1", date(2024, 2, 1))]
	assert feb["operating_hours"] == 99 and feb["failures"] == 1 and feb["mtbf_hours"] == 99
	assert feb["mdt_hours"] == 25 and feb["backlog_hours"] == 1  # O8, completed on March 2
	mar = keyed[("A1", date(2024, 3, 1))]
	assert mar["failures"] == 2 and mar["backlog_hours"] == 0


def test_backlog_as_of_a_moment():
	rows = by(
		compute(
			ORDERS, operating_rows(), ASSETS, start=date(2024, 3, 1), end=date(2024, 3, 31), as_of=t(20, 12)
		),
		"asset",
	)
	assert rows["A2"]["backlog_hours"] == 4  # O5 open; O4 and O9 reported later
	assert rows["A1"]["backlog_hours"] == 0
	assert rows["A3"]["backlog_hours"] == 0  # O7 done on the 4th, O6 reported on the 30th
	# PM compliance counts O5 (due on the 15th, before the 20th) and O3 (completed)
	assert rows["A2"]["pm_due"] == 1 and rows["A1"]["pm_due"] == 1
	rows = by(
		compute(ORDERS, operating_rows(), ASSETS, as_of=date(2024, 3, 15), start=date(2024, 3, 1)), "asset"
	)
	assert rows["A2"]["pm_due"] == 0  # due today: not late yet


def test_orders_with_times_running_backwards_are_left_out_of_the_sums():
	orders = [
		{
			"name": "B1",
			"asset": "A1",
			"type": "Corrective",
			"reported": t(5, 10),
			"acknowledged": t(5, 9),
			"back_in_service": t(5, 8),
		},
		{
			"name": "G1",
			"asset": "A1",
			"type": "Corrective",
			"reported": t(6, 10),
			"back_in_service": t(6, 11),
		},
	]
	[row] = compute(orders, [], ASSETS)
	assert row["failures"] == 2 and row["repairs"] == 1 and row["mttr_hours"] == 1
	assert row["acknowledged"] == 0 and row["inconsistent"] == ["B1"]
	assert row["unplanned_downtime_hours"] == 1


def test_periods():
	d = date(2024, 5, 15)  # a Wednesday
	assert period_start(d, None) is None
	assert [period_start(d, p) for p in ("day", "week", "month", "quarter", "year")] == [
		d,
		date(2024, 5, 13),
		date(2024, 5, 1),
		date(2024, 4, 1),
		date(2024, 1, 1),
	]
	assert [period_end(d, p) for p in ("day", "week", "month", "quarter", "year")] == [
		d,
		date(2024, 5, 19),
		date(2024, 5, 31),
		date(2024, 6, 30),
		date(2024, 12, 31),
	]
	assert period_end(date(2024, 2, 10), "month") == date(2024, 2, 29)
	assert period_end(date(2024, 12, 10), "month") == date(2024, 12, 31)
	with pytest.raises(ValueError, match="period must be one of"):
		period_start(d, "fortnight")


@pytest.mark.parametrize(
	"orders, operating, kwargs, message",
	[
		(
			[{"name": "X", "asset": "A1", "type": "Repair", "reported": t(1, 1)}],
			[],
			{},
			"type must be one of",
		),
		([{"name": "X", "asset": "A1", "type": "Corrective"}], [], {}, "has no reported time"),
		([{"name": "X", "asset": "A1", "type": "Corrective", "reported": math.nan}], [], {}, "finite"),
		(
			[{"name": "X", "asset": "A1", "type": "Corrective", "reported": t(1, 1), "cost": -5}],
			[],
			{},
			"at least 0",
		),
		(
			[
				{
					"name": "X",
					"asset": "A1",
					"type": "Corrective",
					"reported": t(1, 1),
					"labour_hours": math.nan,
				}
			],
			[],
			{},
			"labour_hours",
		),
		([], [{"asset": "A1", "day": date(2024, 3, 1), "running_hours": -1}], {}, "operating hours of A1"),
		([], [{"asset": "A1", "day": date(2024, 3, 1), "running_hours": 10**400}], {}, "finite"),
		([], [{"asset": "A1", "day": "2024-03-01", "running_hours": 1}], {}, "must be a date"),
		([], [], {"group_by": ("line",)}, "group_by dimension"),
		([], [], {"period": "fortnight"}, "period must be one of"),
		([], [], {"start": date(2024, 3, 2), "end": date(2024, 3, 1)}, "before the start"),
	],
)
def test_bad_inputs_raise_a_clear_value_error(orders, operating, kwargs, message):
	with pytest.raises(ValueError, match=message):
		compute(orders, operating, ASSETS, **kwargs)


def test_nothing_in_nothing_out_and_decimals():
	from decimal import Decimal

	assert compute([], []) == []
	[row] = compute([], [{"asset": "A1", "day": date(2024, 3, 1), "running_hours": Decimal("7.5")}])
	assert row["operating_hours"] == 7.5 and row["mtbf_hours"] is None and row["assets"] == 1


# -- properties -------------------------------------------------------------------------------------------

T0 = datetime(2024, 1, 1)


@st.composite
def order_rows(draw):
	out = []
	for i in range(draw(st.integers(0, 25))):
		reported = T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 90)))

		def later():
			return draw(
				st.one_of(
					st.none(), st.integers(-120, 60 * 24 * 10).map(lambda m: reported + timedelta(minutes=m))
				)
			)

		out.append(
			{
				"name": f"O{i}",
				"asset": draw(st.sampled_from(["A1", "A2", "A3", "A4"])),
				"type": draw(st.sampled_from(["Corrective", "Preventive", "Inspection", "Condition-based"])),
				"failure": draw(st.one_of(st.none(), st.booleans())),
				"reported": reported,
				"acknowledged": later(),
				"repair_start": later(),
				"back_in_service": later(),
				"completed": later(),
				"due": draw(st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2024, 4, 30)))),
				"estimated_hours": draw(st.one_of(st.none(), st.floats(0, 50))),
				"labour_hours": draw(st.one_of(st.none(), st.floats(0, 50))),
				"cost": draw(st.one_of(st.none(), st.floats(0, 1e5))),
			}
		)
	return out


@settings(max_examples=200, deadline=None)
@given(
	order_rows(), st.sampled_from([None, "week", "month"]), st.sampled_from([(), ("asset",), ("category",)])
)
def test_groups_and_periods_add_up(orders, period, group_by):
	"""Counts and sums over groups and periods equal those of the whole; ratios stay in range."""
	operating = [
		{"asset": a, "day": date(2024, 1, 1) + timedelta(days=d), "running_hours": 8.0}
		for a in ("A1", "A2")
		for d in range(0, 120, 7)
	]
	assets = {"A1": {"category": "C1"}, "A2": {"category": "C1"}, "A3": {"category": "C2"}}
	window = {"start": date(2024, 1, 1), "end": date(2024, 3, 31)}
	[whole] = compute(orders, operating, assets, group_by=(), **window) or [None]
	rows = compute(orders, operating, assets, group_by=group_by, period=period, **window)
	if whole is None:
		assert rows == []
		return
	for key in ("failures", "repairs", "acknowledged", "pm_due", "pm_on_time"):
		assert sum(r[key] for r in rows) == whole[key], key
	for key in (
		"operating_hours",
		"repair_hours",
		"planned_hours",
		"unplanned_hours",
		"cost",
		"planned_downtime_hours",
		"unplanned_downtime_hours",
	):
		assert sum(r[key] for r in rows) == pytest.approx(whole[key]), key
	for r in rows:
		for key in ("pm_compliance", "planned_share", "planned_downtime_share", "inherent_availability"):
			assert r[key] is None or 0 <= r[key] <= 1, key
		for key in ("repair_hours", "backlog_hours", "mttr_hours", "mtta_hours", "mdt_hours"):
			assert r[key] is None or r[key] >= 0, key
	names = [n for r in rows for n in r["orders"]]
	assert set(names) <= {o["name"] for o in orders}
	if period is None:
		assert len(names) == len(set(names))  # an order is listed once per period


def test_failures_without_operating_time_have_no_mtbf():
	"""No operating rows (no OEE records for the machine) or rows of 0 hours: the operating time is not known,
	so neither is MTBF nor the inherent availability (0 would read as a machine failing the moment it starts)."""
	failed = {
		"name": "MWO-1",
		"asset": "A1",
		"type": "Corrective",
		"reported": datetime(2024, 3, 4, 8),
		"repair_start": datetime(2024, 3, 4, 9),
		"back_in_service": datetime(2024, 3, 4, 10),
	}
	zero = [{"asset": "A1", "day": date(2024, 3, 4), "running_hours": 0.0}]
	for operating in ((), zero):
		[row] = compute([failed], operating, group_by=("asset",))
		assert row["failures"] == 1 and row["operating_hours"] == 0
		assert row["mtbf_hours"] is None and row["inherent_availability"] is None
		assert row["mttr_hours"] == 1
