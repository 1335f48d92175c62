"""A Maintenance Work Order's life: its workflow states, the times entering a state records, who may edit the
order in which state, and which dedup keys an order gives up when it closes.

API::

    REQUESTED, APPROVED, SCHEDULED, IN_PROGRESS, WAITING_FOR_PARTS, COMPLETED, VERIFIED, CANCELLED, REJECTED
    STATES, DONE_STATES, ENDED_STATES, CLOSED_STATES
    is_open(state) -> bool;  is_done(state) -> bool
    stamps(old_state, new_state, now, current) -> dict   the times (and who) to record on entering new_state
    may_edit(roles, state, is_owner) -> bool
    releases_key(key, state) -> bool

The states are those of the shipped workflow (mom_app/plant_maintenance/data/maintenance_work_order_workflow.json):

    Requested -> Approved -> Scheduled -> In Progress <-> Waiting for Parts -> Completed -> Verified
    Requested -> Rejected;  Approved / Scheduled / In Progress / Waiting for Parts -> Cancelled
    Approved -> In Progress (a breakdown is not scheduled first);  Completed -> In Progress (reopened)

Admins may rename or add states in the Workflow builder: a state this module does not know is open work
that records no times (the adapter still runs the workflow).

Stamps (`current` holds the order's values; a time already set is kept, except on reopening):

    entering In Progress         acknowledged and repair_start = now when not set
    entering Completed           completed = now; back_in_service = now when not set; acknowledged and
                                 repair_start = now when not set (an order completed without a start)
    entering Verified            verified = now (and completed, back_in_service as for Completed when not set)
    Completed/Verified -> an open state (reopened)   completed, verified and back_in_service cleared
    (acknowledged is also set by the acknowledge action, which is not a state change)

Editing (`roles`: the user's roles; `state`: the order's state before the change, None for a new order):

    System Manager, Administrator, MOM Manager     always
    Maintenance Technician, Production Supervisor  while the order is not Verified, Cancelled or Rejected
    MOM Operator (a requester)                     only their own order, while it is new or Requested
    anyone else                                    never

Dedup keys: an order's `dedup_key` makes the order the only one with that key. Keys of condition rules
(`orders.rule_order_key`, "rule|...") mean "one *open* order per rule and asset", and andon keys
(`orders.andon_order_key`, "andon|...") "one *open* request per workstation": a closed order (done,
cancelled or rejected) gives its key up, so the rule or the andon may open a new one. Breakdown keys and PM occurrence
keys name one event: the order keeps them when it closes, so the same breakdown or occurrence never opens a
second order.
"""

from collections.abc import Iterable, Mapping

from mom_app.engine.rbac import MANAGER, OPERATOR, SUPERVISOR, TECHNICIAN

REQUESTED = "Requested"
APPROVED = "Approved"
SCHEDULED = "Scheduled"
IN_PROGRESS = "In Progress"
WAITING_FOR_PARTS = "Waiting for Parts"
COMPLETED = "Completed"
VERIFIED = "Verified"
CANCELLED = "Cancelled"
REJECTED = "Rejected"
STATES = (
	REQUESTED,
	APPROVED,
	SCHEDULED,
	IN_PROGRESS,
	WAITING_FOR_PARTS,
	COMPLETED,
	VERIFIED,
	CANCELLED,
	REJECTED,
)
DONE_STATES = (COMPLETED, VERIFIED)  # the work is done
ENDED_STATES = (CANCELLED, REJECTED)  # closed without the work
CLOSED_STATES = DONE_STATES + ENDED_STATES
LOCKED_STATES = (VERIFIED, CANCELLED, REJECTED)  # only managers change these

ADMIN_ROLES = frozenset({"System Manager", "Administrator"})
WORKER_ROLES = frozenset({TECHNICIAN, SUPERVISOR})
OPEN_ONLY_KEY_PREFIXES = ("rule|", "andon|")

TIME_FIELDS = ("acknowledged", "repair_start", "back_in_service", "completed", "verified")


def is_open(state: str | None) -> bool:
	"""Open work: not done, cancelled or rejected (a new order, state None, is open)."""
	return state not in CLOSED_STATES


def is_done(state: str | None) -> bool:
	return state in DONE_STATES


def stamps(old_state: str | None, new_state: str | None, now, current: Mapping) -> dict:
	"""The time fields (TIME_FIELDS) to set on moving from old_state to new_state: {field: value or None}.
	Fields not in the result are left as they are."""
	if old_state == new_state:
		return {}
	out = {}

	def fill(*fields):
		for name in fields:
			if current.get(name) is None and name not in out:
				out[name] = now

	if old_state in DONE_STATES and new_state not in CLOSED_STATES:
		out.update(completed=None, verified=None, back_in_service=None)
		if new_state == IN_PROGRESS:
			fill("acknowledged", "repair_start")
		return out
	if new_state == IN_PROGRESS:
		fill("acknowledged", "repair_start")
	elif new_state in DONE_STATES:
		if current.get("completed") is None:
			out["completed"] = now
		fill("acknowledged", "repair_start", "back_in_service")
		if new_state == VERIFIED:
			out["verified"] = now
	return out


def may_edit(roles: Iterable[str], state: str | None, is_owner: bool) -> bool:
	"""Whether a user with `roles` may change an order now in `state` (see the module docstring)."""
	roles = set(roles)
	if roles & ADMIN_ROLES or MANAGER in roles:
		return True
	if roles & WORKER_ROLES:
		return state not in LOCKED_STATES
	if OPERATOR in roles:
		return bool(is_owner) and state in (None, REQUESTED)
	return False


def releases_key(key: str | None, state: str | None) -> bool:
	"""Whether an order in `state` gives up `key` (a closed order's "one open order" key)."""
	return bool(key) and not is_open(state) and key.startswith(OPEN_ONLY_KEY_PREFIXES)
