"""The operator terminal API against ERPNext's own Job Card: time logs, quantities, exactly-once, locking."""

import threading
import time
import uuid

import frappe
from frappe.tests.utils import FrappeTestCase

from mom_app.production.api import terminal
from mom_app.production.testing import operator, released_job_card, routed_workstation
from mom_app.tests.utils import make_user

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def cid() -> str:
	return str(uuid.uuid4())


class TerminalCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("TERM")
		cls.other = routed_workstation("TERM2")
		cls.op = operator("term-op-1", "SF-T-0001")
		cls.op2 = operator("term-op-2", "SF-T-0002")
		for route in (cls.route, cls.other):
			frappe.db.set_value("Workstation", route.workstation, "mom_terminal_user", None)
		frappe.db.commit()

	def setUp(self):
		# ERPNext refuses to start an employee on a job card while an unfinished one of theirs is scheduled
		# now at the same workstation: set aside what earlier tests left running there
		frappe.set_user("Administrator")
		frappe.db.sql(
			"""update `tabJob Card` set docstatus = 2, status = 'Cancelled'
			where docstatus = 0 and workstation in %s""",
			((self.route.workstation, self.other.workstation),),
		)
		# andon calls repeated within the window notify nobody: every test starts with no window open
		frappe.cache.delete_keys("mom:andon:")

	def tearDown(self):
		frappe.set_user("Administrator")

	def act(self, action, job_card, who=None, **kw):
		who = who or self.op
		frappe.set_user(who.user)
		return terminal.act(
			client_id=kw.pop("client_id", None) or cid(),
			action=action,
			badge=who.badge,
			job_card=job_card,
			workstation=kw.pop("workstation", self.route.workstation),
			**kw,
		)

	def card(self, name):
		frappe.set_user("Administrator")
		return frappe.get_doc("Job Card", name)


class TestTerminalActions(TerminalCase):
	def test_sign_in_and_scan(self):
		frappe.set_user(self.op.user)
		signed = terminal.sign_in(" sf-t-0001\r\n")
		self.assertEqual(signed["employee"], self.op.employee)
		self.assertIn(self.route.workstation, [w.name for w in signed["workstations"]])
		jc = released_job_card(self.route, 5)
		frappe.set_user(self.op.user)
		view = terminal.scan_job_card(self.op.badge, jc, self.route.workstation)
		self.assertEqual(view["operation"], self.route.operation)
		self.assertEqual(view["for_quantity"], 5)
		self.assertIn("Turn it", view["instructions"])
		self.assertIn(jc, [r.name for r in terminal.queue(self.route.workstation)])

	def test_start_complete_writes_erpnext_time_logs_and_quantities(self):
		jc = released_job_card(self.route, 10)
		started = self.act("start", jc)
		self.assertEqual(started["status"], "Work In Progress")
		done = self.act("complete", jc, good_qty=7, scrap_qty=1, rework_qty=1)
		self.assertFalse(done["fully_completed"])
		card = self.card(jc)
		# the report closed the operator's log with what was made in it; the job goes on in a new one
		self.assertEqual(len(card.time_logs), 2)
		log, running = card.time_logs
		self.assertEqual((log.employee, running.employee), (self.op.employee, self.op.employee))
		self.assertTrue(log.to_time)
		self.assertEqual(running.from_time, log.to_time)
		self.assertIsNone(running.to_time)
		self.assertEqual(log.completed_qty, 7)
		self.assertEqual(card.total_completed_qty, 7)
		self.assertEqual(card.process_loss_qty, 1)  # the scrap, not ERPNext's "not yet completed" 3
		self.assertEqual(card.mom_rework_qty, 1)
		self.assertEqual([e.employee for e in card.employee], [self.op.employee])
		# what was reported is kept with the action, and the job card's timeline shows it
		reported = frappe.get_all(
			"Terminal Action",
			filters={"job_card": jc, "action": "complete"},
			fields=["employee", "good_qty", "scrap_qty", "rework_qty"],
		)
		self.assertEqual(
			[(r.employee, r.good_qty, r.scrap_qty, r.rework_qty) for r in reported],
			[(self.op.employee, 7, 1, 1)],
		)
		from frappe.desk.form.load import get_additional_timeline_content

		timeline = [t["content"] for t in get_additional_timeline_content("Job Card", jc)]
		self.assertEqual(len(timeline), 2, timeline)
		self.assertIn(self.op.employee_name, timeline[0])
		self.assertIn("7", timeline[0])
		self.assertIn(frappe._("Work In Progress"), timeline[1])
		# the rest: all done -> the operator may not submit, the card waits for a supervisor
		last = self.act("complete", jc, good_qty=2)
		self.assertTrue(last["fully_completed"])
		self.assertFalse(last["submitted"])
		self.assertTrue(last["submit_error"])
		self.assertEqual(self.card(jc).total_completed_qty, 9)

	def test_supervisor_operator_completes_and_submits(self):
		boss = operator("term-boss", "SF-T-0009", roles=("MOM Operator", "Production Supervisor"))
		jc = released_job_card(self.route, 4)
		self.act("start", jc, who=boss)
		result = self.act("complete", jc, who=boss, good_qty=3, scrap_qty=1)
		self.assertTrue(result["submitted"], result)
		card = self.card(jc)
		self.assertEqual(card.docstatus, 1)
		self.assertEqual((card.total_completed_qty, card.process_loss_qty), (3, 1))
		record = frappe.get_all(
			"OEE Record",
			filters={"workstation": self.route.workstation},
			fields=["produced", "good", "scrap"],
		)
		self.assertTrue(record)
		self.assertGreaterEqual(sum(r.produced for r in record), 4)

	def test_pause_resume_and_downtime(self):
		jc = released_job_card(self.route, 3)
		self.act("start", jc)
		self.act("pause", jc, reason="Meeting and Training")
		card = self.card(jc)
		self.assertEqual(card.status, "On Hold")
		self.assertEqual(card.mom_pause_reason, "Meeting and Training")
		self.assertTrue(all(log.to_time for log in card.time_logs))
		self.act("resume", jc)
		self.assertEqual(self.card(jc).status, "Work In Progress")
		stopped = self.act("downtime", jc, reason="Machine Breakdown")
		entry = frappe.get_doc("Downtime Entry", stopped["downtime_entry"])
		self.assertEqual(
			(entry.mom_source, entry.mom_downtime_reason, entry.mom_job_card, entry.operator),
			("Manual", "Machine Breakdown", jc, self.op.employee),
		)
		self.assertEqual(entry.stop_reason, "Machine malfunction")
		self.assertEqual(self.card(jc).status, "On Hold")
		self.act("resume", jc)
		entry.reload()
		self.assertGreaterEqual(entry.to_time, entry.from_time)
		self.assertEqual(len(self.card(jc).time_logs), 3)

	def test_partial_report_keeps_the_job_running_until_a_pause(self):
		jc = released_job_card(self.route, 10)
		self.act("start", jc)
		for good, done in ((3, 3), (4, 7)):
			result = self.act("complete", jc, good_qty=good)
			self.assertEqual(result["card"]["total_completed_qty"], done)
			self.assertTrue(result["card"]["running_mine"])
			self.assertEqual(result["status"], "Work In Progress")
			# what the card offers now: report and pause, not start
			self.assertIsNone(result["card"]["actions"]["complete"])
			self.assertIsNone(result["card"]["actions"]["pause"])
			self.assertIn(self.op.employee_name, result["card"]["actions"]["start"])
		card = self.card(jc)
		self.assertEqual([log.completed_qty for log in card.time_logs], [3, 4, 0])
		self.assertEqual(card.total_completed_qty, 7)
		self.act("pause", jc, reason="Meeting and Training")
		card = self.card(jc)
		self.assertTrue(all(log.to_time for log in card.time_logs))
		self.assertEqual(card.status, "On Hold")

	def test_nothing_reported_is_refused(self):
		jc = released_job_card(self.route, 10)
		self.act("start", jc)
		with self.assertRaises(terminal.TerminalError) as caught:
			self.act("complete", jc, good_qty=0, scrap_qty=0)
		self.assertIn("pause", str(caught.exception))
		self.assertEqual(len(self.card(jc).time_logs), 1)

	def test_andon_notifies_the_role(self):
		keeper = make_user("Storekeeper", "sf-andon-keeper@mom-test.example")
		frappe.set_user(self.op.user)
		before = frappe.db.count("Notification Log", {"for_user": keeper})
		result = terminal.andon(cid(), self.op.badge, self.route.workstation, "material")
		self.assertGreaterEqual(result["notified"], 1)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": keeper}), before + 1)


class TestExactlyOnce(TerminalCase):
	def test_retry_is_applied_once(self):
		jc = released_job_card(self.route, 10)
		self.act("start", jc)
		key = cid()
		first = self.act("complete", jc, client_id=key, good_qty=4)
		again = self.act("complete", jc, client_id=key, good_qty=4)
		self.assertFalse(first["replayed"])
		self.assertTrue(again["replayed"])
		# the first answer carries where the card stands now (not what it is: the page has that from the
		# scan); a replay has none (the terminal scans again)
		self.assertEqual(first["card"]["name"], jc)
		self.assertEqual(first["card"]["total_completed_qty"], 4)
		self.assertEqual(first["card"]["remaining_qty"], 6)
		self.assertEqual(first["card"]["running"], [self.op.employee])  # a partial report: still working
		self.assertNotIn("instructions", first["card"])
		frappe.set_user(self.op.user)
		scanned = terminal.scan_job_card(self.op.badge, jc, self.route.workstation)
		self.assertEqual({k: scanned[k] for k in first["card"]}, first["card"])
		self.assertNotIn("card", again)
		self.assertEqual(again["total_completed_qty"], 4)
		self.assertEqual(self.card(jc).total_completed_qty, 4)
		self.assertEqual(frappe.db.count("Terminal Action", {"job_card": jc}), 2)


class TestBadInput(TerminalCase):
	def assertRefused(self, jc, call, exc=terminal.TerminalError, text=None):
		user = frappe.session.user
		logs = len(self.card(jc).time_logs) if jc else 0
		actions = frappe.db.count("Terminal Action")
		frappe.set_user(user)
		with self.assertRaises(exc) as caught:
			call()
		frappe.set_user("Administrator")
		if jc:
			self.assertEqual(len(self.card(jc).time_logs), logs)
		self.assertEqual(frappe.db.count("Terminal Action"), actions)
		if text:
			self.assertIn(text, str(caught.exception))
		return caught.exception

	def test_refusals_write_nothing(self):
		jc = released_job_card(self.route, 5)
		self.assertRefused(None, lambda: self.act("start", "NO-SUCH-CARD"), text="NO-SUCH-CARD")
		self.assertRefused(jc, lambda: self.act("complete", jc, good_qty=1), text="has not started")
		self.assertRefused(
			jc, lambda: self.act("start", jc, workstation=self.other.workstation), text=self.route.workstation
		)
		self.act("start", jc)
		self.assertRefused(jc, lambda: self.act("complete", jc, good_qty=-1), text="zero or more")
		self.assertRefused(jc, lambda: self.act("complete", jc, good_qty=5, scrap_qty=1), text="more than")
		self.assertRefused(jc, lambda: self.act("downtime", jc), text="reason")
		self.assertRefused(jc, lambda: self.act("resume", jc), text="not paused")
		self.assertRefused(jc, lambda: self.act("start", jc), text="already working")
		self.assertRefused(jc, lambda: self.act("fly", jc), text="fly")
		self.assertRefused(
			jc, lambda: self.act("downtime", jc, reason="No Such Reason"), text="No Such Reason"
		)

	def test_quality_hold_shows_its_reason(self):
		jc = released_job_card(self.route, 5)
		hold = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"status": "Open",
				"source": "Manual",
				"item_code": "MOM-SF-FG",
				"reason": "Bore diameter out of tolerance",
			}
		)
		hold.flags.ignore_permissions = True
		hold.flags.ignore_mandatory = True
		hold.insert()
		frappe.db.set_value("Job Card", jc, "mom_quality_hold", hold.name)
		self.assertRefused(jc, lambda: self.act("start", jc), text="Bore diameter out of tolerance")

	def test_quality_hold_offers_only_stopping_with_the_reason(self):
		jc = released_job_card(self.route, 5)
		self.act("start", jc)
		hold = frappe.get_doc(
			{
				"doctype": "Quality Hold",
				"status": "Open",
				"source": "Manual",
				"item_code": "MOM-SF-FG",
				"reason": "Burrs on the edge",
			}
		)
		hold.flags.ignore_permissions = True
		hold.flags.ignore_mandatory = True
		hold.insert()
		frappe.db.set_value("Job Card", jc, "mom_quality_hold", hold.name)
		frappe.set_user(self.op.user)
		running = terminal.scan_job_card(self.op.badge, jc, self.route.workstation)["actions"]
		self.assertEqual([a for a, why in running.items() if why is None], ["pause", "downtime"])
		self.assertIn("Burrs on the edge", running["complete"])
		self.act("pause", jc)
		frappe.set_user(self.op.user)
		paused = terminal.scan_job_card(self.op.badge, jc, self.route.workstation)
		self.assertEqual([a for a, why in paused["actions"].items() if why is None], ["downtime"])
		self.assertIn("Burrs on the edge", paused["actions"]["resume"])
		self.assertRefused(jc, lambda: self.act("resume", jc), text="Burrs on the")
		# released: resume is offered again
		frappe.db.set_value("Quality Hold", hold.name, "status", "Released")
		frappe.set_user(self.op.user)
		released = terminal.scan_job_card(self.op.badge, jc, self.route.workstation)["actions"]
		self.assertIsNone(released["resume"])

	def test_roles_and_badges(self):
		jc = released_job_card(self.route, 5)
		nobody = make_user("Storekeeper", "sf-not-operator@mom-test.example")
		frappe.set_user(nobody)
		self.assertRefused(
			jc,
			lambda: terminal.act(cid(), "start", self.op.badge, jc, self.route.workstation),
			exc=frappe.PermissionError,
		)
		# op2's user scans op's badge: not op's user, not a shared terminal -> refused
		frappe.set_user(self.op2.user)
		self.assertRefused(
			jc, lambda: terminal.act(cid(), "start", self.op.badge, jc, self.route.workstation), text="Badge"
		)
		self.assertRefused(jc, lambda: terminal.sign_in("NO-SUCH-BADGE"), text="NO-SUCH-BADGE")
		# a shared terminal user of the workstation may act for any badge there
		frappe.set_user("Administrator")
		frappe.db.set_value("Workstation", self.route.workstation, "mom_terminal_user", self.op2.user)
		try:
			frappe.set_user(self.op2.user)
			result = terminal.act(cid(), "start", self.op.badge, jc, self.route.workstation)
			self.assertEqual(result["status"], "Work In Progress")
			self.assertEqual(self.card(jc).time_logs[-1].employee, self.op.employee)
		finally:
			frappe.set_user("Administrator")
			frappe.db.set_value("Workstation", self.route.workstation, "mom_terminal_user", None)
			frappe.db.commit()  # the terminal committed the assignment


class TestSignInWithoutBadge(TerminalCase):
	"""MOM Settings' Sign In by Badge Scan: on (the default), the badge scanned names the employee; off, the
	terminal acts for the Employee whose User ID is the signed-in user, without a badge."""

	def setUp(self):
		super().setUp()
		self.before = frappe.db.get_singles_dict("MOM Settings").get("badge_sign_in", 1)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.set_single_value("MOM Settings", "badge_sign_in", self.before)
		frappe.db.commit()  # the terminal's actions commit: so does putting the setting back
		super().tearDown()

	def switch(self, on: bool):
		frappe.set_user("Administrator")
		frappe.db.set_single_value("MOM Settings", "badge_sign_in", int(on))

	def test_off_signs_in_the_users_own_employee(self):
		self.switch(False)
		frappe.set_user(self.op.user)
		signed = terminal.sign_in("")
		self.assertEqual(signed["employee"], self.op.employee)
		self.assertTrue(signed["login_sign_in"])
		self.assertIn(self.route.workstation, [w.name for w in signed["workstations"]])
		jc = released_job_card(self.route, 4)
		frappe.set_user(self.op.user)
		view = terminal.scan_job_card("", jc, self.route.workstation)
		self.assertIsNone(view["actions"]["start"])
		self.act("start", jc, who=frappe._dict(user=self.op.user, badge=""))
		self.act("complete", jc, who=frappe._dict(user=self.op.user, badge=""), good_qty=4)
		card = self.card(jc)
		self.assertEqual([log.employee for log in card.time_logs], [self.op.employee])
		self.assertEqual(card.total_completed_qty, 4)
		frappe.set_user(self.op.user)
		self.assertTrue(terminal.andon(cid(), "", self.route.workstation, "quality")["ok"])
		# a badge sent anyway does not make anyone else act: the login decides
		frappe.set_user(self.op2.user)
		self.assertEqual(terminal.sign_in(self.op.badge)["employee"], self.op2.employee)

	def test_off_without_an_employee_says_so(self):
		self.switch(False)
		nobody = make_user("MOM Operator", "sf-no-employee@mom-test.example")
		frappe.set_user(nobody)
		with self.assertRaises(terminal.TerminalError) as caught:
			terminal.sign_in("")
		self.assertIn(nobody, str(caught.exception))
		jc = released_job_card(self.route, 2)
		frappe.set_user(nobody)
		with self.assertRaises(terminal.TerminalError):
			terminal.act(cid(), "start", self.op.badge, jc, self.route.workstation)
		self.assertEqual(len(self.card(jc).time_logs), 0)

	def test_on_needs_the_badge(self):
		self.switch(True)
		frappe.set_user(self.op.user)
		signed = terminal.sign_in(self.op.badge)
		self.assertEqual(signed["employee"], self.op.employee)
		self.assertFalse(signed["login_sign_in"])
		with self.assertRaises(terminal.TerminalError):
			terminal.sign_in("")
		# a site that never saved the setting signs in by badge (the field's default)
		frappe.set_user("Administrator")
		frappe.db.delete("Singles", {"doctype": "MOM Settings", "field": "badge_sign_in"})
		frappe.set_user(self.op.user)
		with self.assertRaises(terminal.TerminalError):
			terminal.sign_in("")


def run_concurrently(*calls, timeout: float = 60) -> list:
	"""Run each call in a thread with its own database connection, released together; their results (or
	the exception each raised), in order. Each call gets committed on success, rolled back on failure."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(len(calls))
	results = [None] * len(calls)

	def run(i, call):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		try:
			barrier.wait(10)
			results[i] = call()
			frappe.db.commit()
		except Exception as e:
			frappe.db.rollback()
			results[i] = e
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout)
	return results


class TestConcurrency(TerminalCase):
	"""Operators acting on one job card (or one workstation) at the same moment, each through their own DB
	connection."""

	def started_by_both(self, qty: float) -> str:
		jc = released_job_card(self.route, qty)
		self.act("start", jc, who=self.op)
		self.act("start", jc, who=self.op2)
		frappe.set_user("Administrator")
		frappe.db.commit()  # the other connections see the job card
		return jc

	def complete_call(self, who, jc, good_qty, client_id=None):
		def call():
			frappe.set_user(who.user)
			return terminal.act(
				client_id or cid(), "complete", who.badge, jc, self.route.workstation, good_qty=good_qty
			)

		return call

	def test_two_operators_cannot_over_complete(self):
		jc = self.started_by_both(10)
		results = run_concurrently(*(self.complete_call(who, jc, 6) for who in (self.op, self.op2)))
		outcomes = sorted(type(r).__name__ for r in results)
		self.assertEqual(outcomes, ["TerminalError", "dict"], results)
		card = self.card(jc)
		self.assertEqual(card.total_completed_qty, 6)
		self.assertEqual(sum(log.completed_qty for log in card.time_logs), 6)

	def test_two_operators_both_complete_within_quantity(self):
		jc = self.started_by_both(10)
		results = run_concurrently(*(self.complete_call(who, jc, 4) for who in (self.op, self.op2)))
		self.assertTrue(all(isinstance(r, dict) for r in results), results)
		card = self.card(jc)
		self.assertEqual(card.total_completed_qty, 8)
		closed = [log.completed_qty for log in card.time_logs if log.to_time]
		self.assertEqual(sorted(closed), [4, 4])
		self.assertEqual(len([log for log in card.time_logs if not log.to_time]), 2)  # both go on working

	def test_the_same_id_sent_twice_at_once_is_applied_once(self):
		jc = self.started_by_both(10)
		key = cid()
		results = run_concurrently(*(self.complete_call(self.op, jc, 3, client_id=key) for _ in range(2)))
		self.assertTrue(all(isinstance(r, dict) for r in results), results)
		self.assertEqual(sorted(r["replayed"] for r in results), [False, True])
		self.assertEqual(self.card(jc).total_completed_qty, 3)
		self.assertEqual(frappe.db.count("Terminal Action", {"client_id": key}), 1)

	def test_the_same_andon_sent_twice_at_once_notifies_once(self):
		keeper = make_user("Storekeeper", "sf-andon-keeper@mom-test.example")
		frappe.db.commit()
		before = frappe.db.count("Notification Log", {"for_user": keeper})
		key = cid()

		def call():
			frappe.set_user(self.op.user)
			return terminal.andon(key, self.op.badge, self.route.workstation, "material")

		results = run_concurrently(call, call)
		frappe.db.rollback()  # a fresh snapshot: see what the two connections committed
		self.assertTrue(all(isinstance(r, dict) for r in results), results)
		self.assertEqual(sorted(r["replayed"] for r in results), [False, True])
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": keeper}), before + 1)
		self.assertEqual(frappe.db.count("Terminal Action", {"client_id": key}), 1)

	def test_an_action_leaves_the_neighbouring_job_card_free(self):
		"""The action's transaction runs at READ COMMITTED: holding one job card's rows does not lock the index
		gap in front of them, where the time logs of the card made just before it go (at REPEATABLE READ the
		first start on that other card waited for this transaction, or deadlocked with it)."""
		before = released_job_card(self.route, 5)  # its rows sort in front of the next card's
		held_card = released_job_card(self.other, 5)
		self.assertLess(before, held_card)
		self.act("start", held_card, who=self.op2, workstation=self.other.workstation)
		frappe.db.commit()
		held, seen = threading.Event(), {}

		def hold_the_next_card():
			terminal.locked_job_card(held_card, self.other.workstation)
			held.set()
			time.sleep(1.0)  # the start below ran meanwhile
			seen["released_at"] = time.monotonic()
			frappe.db.rollback()

		def start_the_card_before():
			held.wait(10)
			frappe.db.sql("set session innodb_lock_wait_timeout = 5")
			frappe.set_user(self.op.user)
			result = terminal.act(cid(), "start", self.op.badge, before, self.route.workstation)
			seen["started_at"] = time.monotonic()
			return result

		holder, action = run_concurrently(hold_the_next_card, start_the_card_before)
		self.assertIsNone(holder)
		self.assertIsInstance(action, dict, action)
		self.assertLess(seen["started_at"], seen["released_at"], "the start waited for the other card")
		self.assertEqual(self.card(before).status, "Work In Progress")
		# only that one transaction: this connection's next one reads a snapshot again (REPEATABLE READ, the
		# server's level): a change committed meanwhile by another connection is not seen
		self.act("complete", before, good_qty=1)
		self.assertEqual(frappe.db.sql("select @@global.tx_isolation")[0][0], "REPEATABLE-READ")
		frappe.db.commit()
		remarks = "SELECT `remarks` FROM `tabJob Card` WHERE `name` = %s"
		seen_first = frappe.db.sql(remarks, before)[0][0]

		def change_remarks():
			frappe.db.sql(
				"UPDATE `tabJob Card` SET `remarks` = 'changed meanwhile' WHERE `name` = %s", before
			)

		run_concurrently(change_remarks)
		self.assertEqual(frappe.db.sql(remarks, before)[0][0], seen_first)
		frappe.db.commit()
		self.assertEqual(frappe.db.sql(remarks, before)[0][0], "changed meanwhile")

	def test_lock_order_workstation_before_job_card(self):
		"""ERPNext's job card save writes the Workstation row: an action waits for that row before it locks
		the job card, so a transaction holding the workstation can still take the job card (no deadlock)."""
		jc = released_job_card(self.route, 5)
		frappe.db.commit()
		held, seen = threading.Event(), {}

		def hold_workstation_then_take_job_card():
			frappe.db.sql(
				"select name from `tabWorkstation` where name = %s for update", self.route.workstation
			)
			held.set()
			time.sleep(1.0)  # the action below is waiting by now
			frappe.db.sql("set session innodb_lock_wait_timeout = 3")
			try:
				frappe.db.sql("select name from `tabJob Card` where name = %s for update", jc)
				seen["job_card_free"] = True
			except Exception as e:
				seen["job_card_free"] = e
			frappe.db.rollback()
			return "released"

		def start():
			held.wait(10)
			frappe.set_user(self.op.user)
			return terminal.act(cid(), "start", self.op.badge, jc, self.route.workstation)

		holder, action = run_concurrently(hold_workstation_then_take_job_card, start)
		self.assertIs(seen.get("job_card_free"), True, seen)
		self.assertEqual(holder, "released")
		self.assertIsInstance(action, dict, action)
		self.assertEqual(self.card(jc).status, "Work In Progress")
