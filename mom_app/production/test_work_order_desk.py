"""The Work Order at the desk: its status once a job has started (from ERPNext's Job Card form or from the
terminal), the approval hint (state, who acts next), what approval will need checked when the draft is
saved, and the traveler printed in Chinese."""

import re
import uuid

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, now_datetime

from mom_app.production.api import terminal, work_order_approval
from mom_app.production.test_shop_floor import approvers
from mom_app.production.testing import operator, routed_workstation, work_order
from mom_app.tests.utils import make_user

test_ignore = ["Workstation", "Employee", "Work Order", "BOM", "Job Card"]


def released_order(route, qty: float = 4):
	frappe.set_user("Administrator")
	doc = work_order(route, qty)
	doc.insert()
	doc.submit()
	card = frappe.db.get_value("Job Card", {"work_order": doc.name}, "name")
	return doc.name, card


class TestWorkOrderStatusAtStart(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.route = routed_workstation("WOS")
		cls.op = operator("wos-op", "SF-WOS-0001")
		frappe.db.set_value("Workstation", cls.route.workstation, "mom_terminal_user", None)
		frappe.db.commit()

	def setUp(self):
		frappe.set_user("Administrator")
		# set aside what earlier runs left running at this workstation (the terminal commits)
		frappe.db.sql(
			"""update `tabJob Card` set docstatus = 2, status = 'Cancelled'
			where docstatus = 0 and workstation = %s""",
			self.route.workstation,
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def state(self, name):
		return frappe.db.get_value("Work Order", name, ["status", "actual_start_date"], as_dict=True)

	def test_start_from_erpnexts_job_card_form(self):
		from erpnext.manufacturing.doctype.job_card.job_card import make_time_log

		order, card = released_order(self.route)
		self.assertEqual(self.state(order).status, "Not Started")
		start = now_datetime().replace(microsecond=0)
		# what the form's "Start Job" button sends
		make_time_log(
			{
				"job_card_id": card,
				"start_time": str(start),
				"status": "Work In Progress",
				"employees": [{"employee": self.op.employee}],
			}
		)
		state = self.state(order)
		self.assertEqual(state.status, "In Process")
		self.assertEqual(get_datetime(state.actual_start_date), start)

	def test_terminal_start_gives_what_the_form_gives(self):
		order, card = released_order(self.route)
		frappe.db.commit()  # the terminal's action commits
		frappe.set_user(self.op.user)
		terminal.act(str(uuid.uuid4()), "start", self.op.badge, card, self.route.workstation)
		frappe.set_user("Administrator")
		state = self.state(order)
		started = frappe.db.sql(
			"select min(from_time) from `tabJob Card Time Log` where parent = %s and from_time is not null",
			card,
		)[0][0]
		self.assertEqual(state.status, "In Process")
		self.assertEqual(get_datetime(state.actual_start_date), get_datetime(started))
		# pause and resume leave it In Process; a later job keeps the first start date
		frappe.set_user(self.op.user)
		terminal.act(str(uuid.uuid4()), "pause", self.op.badge, card, self.route.workstation)
		terminal.act(str(uuid.uuid4()), "resume", self.op.badge, card, self.route.workstation)
		frappe.set_user("Administrator")
		self.assertEqual(self.state(order).status, "In Process")
		self.assertEqual(get_datetime(self.state(order).actual_start_date), get_datetime(started))

	def test_only_an_order_not_started_moves(self):
		from erpnext.manufacturing.doctype.job_card.job_card import make_time_log

		order, card = released_order(self.route)
		frappe.db.set_value("Work Order", order, "status", "Stopped")
		make_time_log({"job_card_id": card, "start_time": str(now_datetime()), "status": "Work In Progress"})
		self.assertEqual(self.state(order).status, "Stopped")

	def test_orders_started_before_the_rule_are_moved_once(self):
		from erpnext.manufacturing.doctype.job_card.job_card import make_time_log

		from mom_app.patches.v0_1 import work_orders_in_process_008

		order, card = released_order(self.route)
		start = now_datetime().replace(microsecond=0)
		make_time_log({"job_card_id": card, "start_time": str(start), "status": "Work In Progress"})
		frappe.db.set_value(
			"Work Order", order, {"status": "Not Started", "actual_start_date": None}
		)  # as it was left before
		untouched, _card = released_order(self.route)
		work_orders_in_process_008.execute()
		self.assertEqual(self.state(order).status, "In Process")
		self.assertEqual(get_datetime(self.state(order).actual_start_date), start)
		self.assertEqual(self.state(untouched).status, "Not Started")


class TestApprovalHint(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.users = approvers()
		cls.route = routed_workstation("WOA")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_draft_rework_order_says_quality_approves_next(self):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 2, "Rework", description="Regrind the bearing seat")
		doc.insert()
		info = work_order_approval.approval(doc.name)
		self.assertEqual(info["workflow"], "Work Order Approval")
		self.assertEqual(info["state"], "Draft")
		self.assertEqual([s["role"] for s in info["steps"]], ["Quality Inspector"])
		self.assertEqual(info["steps"][0]["actions"], ["Approve"])
		qa_name = frappe.db.get_value("User", self.users["qa"], "full_name")
		self.assertIn(qa_name, info["steps"][0]["users"] + ["(more)"] * info["steps"][0]["more_users"])
		self.assertEqual(info["mine"], [])  # the supervisor does not approve a rework order
		frappe.set_user(self.users["qa"])
		self.assertEqual(work_order_approval.approval(doc.name)["mine"], ["Approve"])

	def test_in_the_readers_language(self):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 2, "Rework", description="Regrind the bearing seat")
		doc.insert()
		frappe.local.lang = "zh"
		try:
			info = work_order_approval.approval(doc.name)
		finally:
			frappe.local.lang = "en"
		self.assertEqual(info["state"], "草稿")
		self.assertEqual(info["steps"][0]["role"], "质检员")

	def test_nothing_once_submitted_or_for_a_reader_without_access(self):
		frappe.set_user("Administrator")
		doc = work_order(self.route, 1)
		doc.insert()
		doc.submit()
		self.assertEqual(work_order_approval.approval(doc.name), {})
		frappe.set_user(make_user("Website Manager", "woa-nobody@mom-test.example"))
		with self.assertRaises(frappe.PermissionError):
			work_order_approval.approval(doc.name)

	def test_order_type_fields(self):
		frappe.set_user(self.users["supervisor"])
		self.assertEqual(work_order_approval.order_type_fields("Trial Production"), ["project"])
		self.assertEqual(work_order_approval.order_type_fields("Rework"), ["description"])
		self.assertEqual(work_order_approval.order_type_fields("Mass Production"), [])


class TestCheckedWhenSaved(FrappeTestCase):
	"""What ERPNext checks only when the order is submitted (at the last approval) is refused at save."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.users = approvers()
		cls.route = routed_workstation("WOM")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_target_warehouse_refused_at_save(self):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 1, fg_warehouse=None)
		with self.assertRaises(frappe.MandatoryError) as caught:
			doc.insert()
		self.assertIn(doc.meta.get_label("fg_warehouse"), str(caught.exception))

	def test_work_in_progress_warehouse_unless_transfer_is_skipped(self):
		frappe.set_user(self.users["supervisor"])
		with self.assertRaises(frappe.MandatoryError):
			work_order(self.route, 1, skip_transfer=0, wip_warehouse=None).insert()
		work_order(self.route, 1, skip_transfer=1, wip_warehouse=None).insert()

	def test_a_draft_made_for_someone_to_complete_is_kept(self):
		"""A quality hold's rework disposition inserts a draft with ignore_mandatory: it is kept, and the
		supervisor's save is what is checked."""
		frappe.set_user("Administrator")
		doc = work_order(self.route, 1, "Rework", description="Rework after a hold", fg_warehouse=None)
		doc.flags.ignore_mandatory = True
		doc.insert()
		frappe.set_user(self.users["supervisor"])
		with self.assertRaises(frappe.MandatoryError):
			frappe.get_doc("Work Order", doc.name).save()

	def test_operation_without_workstation_refused_at_save(self):
		frappe.set_user(self.users["supervisor"])
		doc = work_order(self.route, 1)
		doc.operations[0].workstation = None
		doc.operations[0].workstation_type = None
		with self.assertRaises(frappe.MandatoryError) as caught:
			doc.insert()
		self.assertIn(self.route.operation, str(caught.exception))


class TestTravelerInChinese(FrappeTestCase):
	def tearDown(self):
		frappe.local.lang = "en"
		frappe.set_user("Administrator")

	def test_no_english_in_the_printed_traveler(self):
		frappe.set_user("Administrator")
		route = routed_workstation("WOT")
		name, card = released_order(route, 3)
		frappe.local.lang = "zh"
		html = frappe.get_print("Work Order", name, print_format="Work Order Traveler", no_letterhead=1)
		body = html[html.index('<div class="mom-traveler">') :]  # the format itself, not the page around it
		for english in ("Work Order Traveler", "Scan at the terminal", "Nos", "Operation", "Qty"):
			self.assertNotIn(english, body)
		for chinese in ("工单流转卡", "终端扫码", "3 件", "工序"):
			self.assertIn(chinese, body)
		self.assertIn(card, body)
		# the words a reader sees (tags, styles, the QR codes' SVG and the data left aside) are Chinese
		text = re.sub(r"<style.*?</style>|<svg.*?</svg>|<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
		data = {name, card, route.workstation, route.operation, "MOM-SF-FG", "#"}
		words = set(re.findall(r"[A-Za-z][A-Za-z-]+", text)) - {
			w for value in data for w in re.findall(r"[A-Za-z][A-Za-z-]+", value)
		}
		self.assertEqual(words, set(), words)
