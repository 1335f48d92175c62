# Copyright (c) 2026, mom_app developers
# License: GPL-3.0. See license.txt
"""Maintenance Work Order: the execution document of plant maintenance.

The states are a Frappe Workflow shipped as data (mom_app/plant_maintenance/data/); the rules of the order's
life are the engine's (mom_app.engine.maintenance: lifecycle, checklist, labour, orders, repairs). On save:

- who may change the order in its state (lifecycle.may_edit: a requester only their own request);
- asset and workstation filled from each other (Workstation.mom_asset), company and cost centre from the asset;
- the checklist copied from its template; each step's result judged (done, flagged); a mandatory step not
  done blocks completion;
- labour hours from the time logs; costs from the used parts;
- the times entering a state records (lifecycle.stamps), the machine's own failure and back-in-service times
  from its state log on completion (repairs.state_log_times), the response and repair targets and minutes
  (orders.evaluate_order with the settings' targets);
- a closed order gives up a condition rule's key (lifecycle.releases_key).

After saving (mom_app.plant_maintenance.orders): the Material Request for the planned parts on approval,
used parts issued by Material Issue, ERPNext's Asset Repair or Asset Maintenance Log on completion, the
assignments closed when the order closes.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, flt, get_datetime, getdate, now_datetime

from mom_app.engine.maintenance import checklist as checklist_rules
from mom_app.engine.maintenance import labour, lifecycle
from mom_app.engine.maintenance.orders import CORRECTIVE, EMERGENCY, evaluate_order


class MaintenanceWorkOrder(Document):
	def validate_workflow(self):
		# the system moves orders itself (orders.transitions.system_transition): no user's role applies
		if self.flags.system_transition:
			return
		return super().validate_workflow()

	def onload(self):
		self.set_onload("may_edit", self.may_edit())

	def may_edit(self) -> bool:
		before = None if self.is_new() else frappe.db.get_value(self.doctype, self.name, "workflow_state")
		return lifecycle.may_edit(frappe.get_roles(), before, self.owner == frappe.session.user)

	def validate(self):
		self.check_edit_rights()
		self.fill_machine()
		self.fill_defaults()
		self.copy_checklist()
		self.judge_checklist()
		self.protect_issued_parts()
		self.sum_labour()
		self.sum_costs()
		old_state, new_state = self.state_change()
		if old_state != new_state and lifecycle.is_done(new_state):
			self.check_completion()
			self.machine_times()
		self.apply_stamps(old_state, new_state)
		self.timing()
		if lifecycle.releases_key(self.dedup_key, new_state):
			self.released_dedup_key, self.dedup_key = self.dedup_key, None
		self.locks_workstation = int(
			bool(self.workstation)
			and self.priority == EMERGENCY
			and lifecycle.is_open(new_state)
			and bool(cint(frappe.db.get_single_value("Maintenance Settings", "emergency_lockout")))
		)

	def on_update(self):
		from mom_app.plant_maintenance.orders.effects import after_save

		after_save(self, *self.state_change())

	# -- validation steps -----------------------------------------------------------------------------------

	def state_change(self) -> tuple[str | None, str | None]:
		before = self.get_doc_before_save()
		return (before.workflow_state if before else None), self.workflow_state

	def check_edit_rights(self):
		if self.is_new() or self.flags.ignore_permissions or frappe.session.user == "Administrator":
			return
		before = self.get_doc_before_save()
		state = before.workflow_state if before else self.workflow_state
		if not lifecycle.may_edit(frappe.get_roles(), state, self.owner == frappe.session.user):
			frappe.throw(
				_("You may not change maintenance order {0} while it is {1}.").format(
					self.name, _(state) if state else "-"
				),
				frappe.PermissionError,
				title=_("Not Allowed"),
			)

	def fill_machine(self):
		if self.workstation and not self.asset:
			self.asset = frappe.db.get_value("Workstation", self.workstation, "mom_asset")
		if self.asset and not self.workstation:
			self.workstation = frappe.db.get_value("Workstation", {"mom_asset": self.asset}, "name")
		if not self.asset and not self.workstation:
			frappe.throw(_("Name the asset or the workstation to maintain."), title=_("Missing Machine"))
		asset = (
			frappe.db.get_value(
				"Asset", self.asset, ["asset_name", "asset_category", "company", "cost_center"], as_dict=True
			)
			if self.asset
			else None
		)
		if asset:
			self.asset_name, self.asset_category = asset.asset_name, asset.asset_category
			self.company = self.company or asset.company
			self.cost_center = self.cost_center or asset.cost_center
		self.company = (
			self.company
			or frappe.db.get_single_value("MOM Settings", "company")
			or frappe.defaults.get_global_default("company")
		)
		if self.company and not self.cost_center:
			self.cost_center = frappe.get_cached_value("Company", self.company, "cost_center")

	def fill_defaults(self):
		if self.is_new():
			self.requested_by = self.requested_by or frappe.session.user
			self.reported_at = self.reported_at or now_datetime()
			self.occurrences = self.occurrences or 1
		if self.order_type != CORRECTIVE:
			self.is_failure = 0  # planned work restores no failed machine
		if not self.subject:
			machine = self.asset_name or self.asset or self.workstation
			self.subject = _("{0}: {1}").format(_(self.order_type), machine)[:140]

	def copy_checklist(self):
		before = self.get_doc_before_save()
		changed = self.checklist_template and (
			not before or before.checklist_template != self.checklist_template
		)
		if not changed:
			return
		if any(row.value or row.photo for row in self.checklist):
			frappe.throw(
				_("The checklist has results already; clear them before choosing another checklist."),
				title=_("Checklist Started"),
			)
		from mom_app.plant_maintenance.doctype.maintenance_checklist.maintenance_checklist import steps_of

		self.set("checklist", steps_of(self.checklist_template))

	def judge_checklist(self):
		flagged = 0
		before = {
			row.name: row for row in (self.get_doc_before_save() or frappe._dict()).get("checklist") or []
		}
		for row in self.checklist:
			value = row.photo if row.kind == checklist_rules.PHOTO else (row.value or "").strip() or None
			try:
				checklist_rules.check_limits(row.low_limit or None, row.high_limit or None)
			except ValueError:
				frappe.throw(
					_("Step {0}: the limits must be numbers, the low limit not above the high limit.").format(
						row.idx
					),
					title=_("Invalid Checklist"),
				)
			result = checklist_rules.evaluate_step(
				row.kind, value, row.low_limit or None, row.high_limit or None
			)
			if row.kind == checklist_rules.NUMBER and value is not None and not result.done:
				frappe.throw(
					_("Step {0}: {1} is not a number.").format(row.idx, escape_html(str(value))),
					title=_("Invalid Checklist Entry"),
				)
			if row.kind == checklist_rules.PASS_FAIL and value is not None and not result.done:
				frappe.throw(
					_("Step {0}: enter Pass or Fail.").format(row.idx), title=_("Invalid Checklist Entry")
				)
			row.flagged = int(result.flagged)
			was = before.get(row.name)
			if result.done and not (was and was.done and (was.value, was.photo) == (row.value, row.photo)):
				row.done_by, row.done_at = frappe.session.user, now_datetime()
			if not result.done:
				row.done_by = row.done_at = None
			row.done = int(result.done)
			flagged += row.flagged
		self.flagged_steps = flagged

	def sum_labour(self):
		logs = []
		for row in self.time_logs:
			if row.to_time and get_datetime(row.to_time) < get_datetime(row.from_time):
				frappe.throw(
					_("Time log {0}: the end is before the start.").format(row.idx),
					title=_("Invalid Time Log"),
				)
			logs.append(
				{
					"technician": row.technician,
					"start": get_datetime(row.from_time),
					"end": get_datetime(row.to_time) if row.to_time else None,
				}
			)
		for index, log in enumerate(logs):
			if log["end"] is None:
				continue
			try:
				labour.check_log(logs, log["technician"], log["start"], log["end"], skip=index)
			except labour.LabourError as e:
				if e.code == labour.OVERLAP:
					frappe.throw(
						_("Time logs {0} and {1} of {2} overlap.").format(
							index + 1, e.details["index"] + 1, escape_html(log["technician"])
						),
						title=_("Invalid Time Log"),
					)
				raise
		for row, log in zip(self.time_logs, logs, strict=True):
			row.hours = labour.totals([log]).hours if log["end"] else 0
		self.labour_hours = labour.totals(logs).hours

	def protect_issued_parts(self):
		"""A used part issued by a Stock Entry stays as issued: cancel the Stock Entry to take it back."""
		before = self.get_doc_before_save()
		if not before:
			return
		now = {row.name: row for row in self.used_parts}
		for row in before.used_parts:
			if not row.stock_entry:
				continue
			current = now.get(row.name)
			if not current or (current.item_code, flt(current.qty), current.stock_entry) != (
				row.item_code,
				flt(row.qty),
				row.stock_entry,
			):
				frappe.throw(
					_("Used part {0} ({1}) was issued by {2}; it cannot be changed or removed here.").format(
						row.idx, escape_html(row.item_code), row.stock_entry
					),
					title=_("Part Issued"),
				)

	def sum_costs(self):
		from mom_app.engine.maintenance.repairs import costs

		for row in self.used_parts:
			row.amount = flt(row.qty) * flt(row.rate)
		result = costs(
			[{"qty": flt(r.qty), "rate": flt(r.rate)} for r in self.used_parts], flt(self.other_cost)
		)
		self.parts_cost, self.total_cost = result.parts, result.total

	def check_completion(self):
		steps = [
			{
				"kind": row.kind,
				"value": row.photo
				if row.kind == checklist_rules.PHOTO
				else (row.value or "").strip() or None,
				"mandatory": row.mandatory,
				"low": row.low_limit or None,
				"high": row.high_limit or None,
			}
			for row in self.checklist
		]
		missing = checklist_rules.blockers(steps)
		if missing:
			rows = self.checklist
			frappe.throw(
				_("Complete the mandatory checklist steps first: {0}").format(
					"; ".join(
						_("step {0} ({1})").format(rows[i].idx, escape_html((rows[i].instruction or "")[:60]))
						for i in missing
					)
				),
				title=_("Checklist Not Complete"),
			)

	def machine_times(self):
		"""Failure and back-in-service times from the workstation's state log, where it has one."""
		if not self.workstation or not self.reported_at:
			return
		from mom_app.engine.maintenance.repairs import state_log_times

		reported = get_datetime(self.reported_at)
		now = now_datetime()
		intervals = frappe.db.sql(
			"""select state, start, `end` from `tabMachine State Log`
			where workstation = %s and start <= %s and (`end` is null or `end` >= %s)
			order by start limit 5000""",
			(self.workstation, now, frappe.utils.add_days(reported, -7)),
			as_dict=True,
		)
		if not intervals:
			return
		times = state_log_times(
			[
				{
					"state": r.state,
					"start": get_datetime(r.start),
					"end": get_datetime(r.end) if r.end else None,
				}
				for r in intervals
			],
			reported,
			now,
		)
		if times["failure_time"] and not self.failure_time:
			self.failure_time = times["failure_time"]
		if times["back_in_service"] and not self.back_in_service:
			self.back_in_service = times["back_in_service"]

	def apply_stamps(self, old_state, new_state):
		now = now_datetime()
		current = {
			"acknowledged": self.acknowledged_at,
			"repair_start": self.repair_start,
			"back_in_service": self.back_in_service,
			"completed": self.completed_at,
			"verified": self.verified_at,
		}
		changes = lifecycle.stamps(old_state, new_state, now, current)
		fields = {
			"acknowledged": "acknowledged_at",
			"repair_start": "repair_start",
			"back_in_service": "back_in_service",
			"completed": "completed_at",
			"verified": "verified_at",
		}
		for key, value in changes.items():
			self.set(fields[key], value)
		user = frappe.session.user
		if changes.get("acknowledged"):
			self.acknowledged_by = self.acknowledged_by or user
		if "completed" in changes:
			self.completed_by = user if changes["completed"] else None
		if "verified" in changes:
			self.verified_by = user if changes["verified"] else None
		if changes.get("completed") is None and "completed" in changes:
			self.verified_at = self.verified_by = None

	def timing(self):
		from mom_app.plant_maintenance.doctype.maintenance_settings.maintenance_settings import targets

		reported = get_datetime(self.reported_at)
		result = evaluate_order(
			self.priority,
			targets(),
			now_datetime(),
			reported=reported,
			acknowledged=get_datetime(self.acknowledged_at) if self.acknowledged_at else None,
			repair_start=get_datetime(self.repair_start) if self.repair_start else None,
			back_in_service=get_datetime(self.back_in_service) if self.back_in_service else None,
			completed=get_datetime(self.completed_at) if self.completed_at else None,
			due=getdate(self.due_date) if self.due_date else None,
		)
		self.response_due, self.repair_due = result.response_due, result.repair_due
		self.response_minutes = result.response_minutes if self.acknowledged_at else 0
		self.repair_minutes = result.repair_minutes or 0
		if self.back_in_service and cint(self.is_failure):
			start = get_datetime(self.failure_time or self.reported_at)
			self.downtime_hours = max(
				0.0, (get_datetime(self.back_in_service) - start).total_seconds() / 3600
			)
		else:
			self.downtime_hours = 0
