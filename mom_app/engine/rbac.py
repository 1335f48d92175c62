"""Who may do what: the MOM roles and their rights on ERPNext's and mom_app's doctypes.

The matrix is data. `expand()` applies the implication rules (you cannot write what you cannot read,
you cannot submit what you cannot write, ...) so the rows written into the site are always consistent.
The Frappe adapter (mom_app.setup.roles) turns the expanded rows into Custom DocPerm records for ERPNext
doctypes; mom_app's own doctypes carry the same rows in their DocType JSON (a tier-2 test compares them).
"""

OPERATOR = "MOM Operator"
INSPECTOR = "Quality Inspector"
TECHNICIAN = "Maintenance Technician"
STOREKEEPER = "Storekeeper"
SUPERVISOR = "Production Supervisor"
MANAGER = "MOM Manager"
# shop floor: the approvers of the Work Order workflow (mom_app/production/workflow)
RD_ENGINEER = "R&D Engineer"
PROCESS_ENGINEER = "Process Engineer"
DIRECTOR = "Workshop Director"

ROLES = (
	OPERATOR,
	INSPECTOR,
	TECHNICIAN,
	STOREKEEPER,
	SUPERVISOR,
	MANAGER,
	RD_ENGINEER,
	PROCESS_ENGINEER,
	DIRECTOR,
)
# the approver roles see the plant overview (the MOM workspace number cards) and approve work orders
APPROVERS = (RD_ENGINEER, PROCESS_ENGINEER, DIRECTOR)

# One letter per right, in Frappe's DocPerm column names.
RIGHTS = {
	"r": "read",
	"w": "write",
	"c": "create",
	"s": "submit",
	"x": "cancel",
	"a": "amend",
	"d": "delete",
	"e": "export",
	"m": "email",
	"h": "share",
}

# doctype -> {role: rights}. Reading a doctype also grants select, report and print (see expand()).
# Every MOM role reads the doctypes behind the MOM workspace number cards (Work Order, Job Card, Quality
# Inspection, Workstation, IoT Device, Maintenance Work Order), so every role sees the same plant overview.
MATRIX: dict[str, dict[str, str]] = {
	# production
	"Work Order": {
		OPERATOR: "r",
		INSPECTOR: "rw",  # shop floor: approves rework orders in the Work Order workflow
		STOREKEEPER: "r",
		TECHNICIAN: "r",
		SUPERVISOR: "rwcsxae",
		MANAGER: "rwcsxade",
		# shop floor: workflow approvers (apply_workflow saves the order: write)
		RD_ENGINEER: "rw",
		PROCESS_ENGINEER: "rw",
		DIRECTOR: "rw",
	},
	"Job Card": {
		OPERATOR: "rw",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "rwcsxae",
		MANAGER: "rwcsxade",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"Workstation": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "rw",
		STOREKEEPER: "r",
		SUPERVISOR: "rw",
		MANAGER: "rwcde",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"Workstation Type": {OPERATOR: "r", TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "rwcde"},
	"Plant Floor": {OPERATOR: "r", TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "rwcd"},
	"Operation": {OPERATOR: "r", INSPECTOR: "r", SUPERVISOR: "r", MANAGER: "rwc"},
	"Routing": {SUPERVISOR: "r", MANAGER: "rwc"},
	"BOM": {OPERATOR: "r", INSPECTOR: "r", STOREKEEPER: "r", SUPERVISOR: "r", MANAGER: "r"},
	"Production Plan": {STOREKEEPER: "r", SUPERVISOR: "rwcsx", MANAGER: "rwcsxe"},
	"Downtime Entry": {OPERATOR: "rwc", TECHNICIAN: "rwc", SUPERVISOR: "rwcd", MANAGER: "rwcde"},
	"Employee": {OPERATOR: "r", SUPERVISOR: "r", MANAGER: "r"},
	# quality
	"Quality Inspection": {
		OPERATOR: "r",
		INSPECTOR: "rwcsxa",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rwcsxae",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"Quality Inspection Template": {INSPECTOR: "rwc", SUPERVISOR: "r", MANAGER: "rwcd"},
	"Quality Inspection Parameter": {INSPECTOR: "rwc", MANAGER: "rwcd"},
	"Non Conformance": {INSPECTOR: "rwc", SUPERVISOR: "r", MANAGER: "rwcd"},
	# quality (mom_app's own). Inspection plans and characteristics are the quality engineers' data; switching
	# states are kept by the system (a manager may approve reduced inspection or resume after discontinuation);
	# holds are raised by the system or an inspector, read by everyone whose work they stop, released by QA.
	"Inspection Plan": {INSPECTOR: "rwc", SUPERVISOR: "r", MANAGER: "rwcde"},
	"AQL Switching State": {INSPECTOR: "r", SUPERVISOR: "r", MANAGER: "rw"},
	"Quality Characteristic": {INSPECTOR: "rwc", TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "rwcde"},
	"Quality Hold": {
		OPERATOR: "r",
		INSPECTOR: "rwc",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rwcde",
	},
	# line-side logistics
	"Item": {OPERATOR: "r", INSPECTOR: "r", TECHNICIAN: "r", STOREKEEPER: "r", SUPERVISOR: "r", MANAGER: "r"},
	"Batch": {OPERATOR: "r", INSPECTOR: "rw", STOREKEEPER: "rwc", SUPERVISOR: "r", MANAGER: "rwc"},
	"Serial No": {OPERATOR: "r", INSPECTOR: "r", STOREKEEPER: "rw", SUPERVISOR: "r", MANAGER: "r"},
	"Warehouse": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rwc",
	},
	"Stock Entry": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "rwcsxa",
		SUPERVISOR: "rwcs",
		MANAGER: "rwcsxae",
	},
	"Material Request": {
		OPERATOR: "rwc",
		TECHNICIAN: "r",  # the parts reserved for a maintenance order
		STOREKEEPER: "rwcsx",
		SUPERVISOR: "rwcs",
		MANAGER: "rwcsx",
	},
	"Pick List": {STOREKEEPER: "rwcsx", SUPERVISOR: "r", MANAGER: "rwcsx"},
	"Purchase Receipt": {INSPECTOR: "r", STOREKEEPER: "r", MANAGER: "r"},
	"Delivery Note": {INSPECTOR: "r", STOREKEEPER: "r", MANAGER: "r"},
	"Supplier": {INSPECTOR: "r", STOREKEEPER: "r", MANAGER: "r"},
	# a recall is the manager's: who received the suspect lots (name, contact on the customer) must be readable
	"Customer": {MANAGER: "r"},
	# lot genealogy (mom_app's own): written by the system; its raw rows name suppliers and customers, so
	# the MOM roles read it only through mom_app.stock_ext.api (and the Batch Genealogy report), which redact
	"Genealogy Edge": {},
	# maintenance
	"Asset": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "r"},
	"Asset Maintenance": {TECHNICIAN: "rw", SUPERVISOR: "r", MANAGER: "rwc"},
	"Asset Maintenance Log": {TECHNICIAN: "rwcs", SUPERVISOR: "r", MANAGER: "rwcsx"},
	"Asset Repair": {TECHNICIAN: "rwcs", SUPERVISOR: "r", MANAGER: "rwcsx"},
	# plant maintenance (mom_app's own). Operators request work (the order lets a requester change only their
	# own order while it is Requested: engine.maintenance.lifecycle.may_edit); technicians work orders;
	# supervisors and managers approve and verify them (the workflow's transitions say who moves an order
	# where). Maintenance Action: the applied actions of the maintenance API (idempotency keys), system-written
	# Every MOM role reads the orders (the workspace's maintenance cards count them, see above): storekeepers
	# issue their parts, inspectors and the approvers see why a machine is stopped
	"Maintenance Work Order": {
		OPERATOR: "rc",
		INSPECTOR: "r",
		TECHNICIAN: "rwc",
		STOREKEEPER: "r",
		SUPERVISOR: "rwce",
		MANAGER: "rwcde",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"Maintenance Settings": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "rw"},
	"Maintenance Checklist": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Failure Mode": {OPERATOR: "r", TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Failure Mechanism": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Failure Cause": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Detection Method": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Remedy Action": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Maintenance Action": {SUPERVISOR: "r", MANAGER: "r"},
	# preventive maintenance plans: supervisors and managers plan, technicians read; asset meters are set up
	# and read by technicians (readings typed in need write on the meter); their readings are system-written
	"Maintenance Plan": {TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Asset Meter": {TECHNICIAN: "rwc", SUPERVISOR: "rwc", MANAGER: "rwcd"},
	"Asset Meter Reading": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "re"},
	# Condition Rule: technicians, supervisors and managers define rules on machine signals; every role that
	# reads the shop floor board reads them (a workstation in alarm says which rule fired)
	"Condition Rule": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "rwc",
		STOREKEEPER: "r",
		SUPERVISOR: "rwc",
		MANAGER: "rwcde",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	# mom_app's own
	"MOM Settings": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rw",
	},
	# machine connectivity (mom_app's own): readings and aggregates are written by the system only
	"IoT Device": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "rw",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rwcde",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"IoT Settings": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "rw"},
	"IoT Reading": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "re"},
	"IoT Minute Aggregate": {TECHNICIAN: "r", SUPERVISOR: "r", MANAGER: "re"},
	"Machine State Log": {OPERATOR: "r", TECHNICIAN: "r", SUPERVISOR: "rwc", MANAGER: "rwcde"},
	# --- shop floor ---
	# Terminal Action: the applied terminal requests (idempotency keys); written by the terminal API only
	"Terminal Action": {SUPERVISOR: "r", MANAGER: "r"},
	# Andon Call: raised by the terminal's andon endpoint only; the helpers called, supervisors and managers
	# answer it (acknowledge, close); operators and the workshop director see the calls
	"Andon Call": {
		OPERATOR: "r",
		INSPECTOR: "rw",
		TECHNICIAN: "rw",
		STOREKEEPER: "rw",
		SUPERVISOR: "rw",
		MANAGER: "rwe",
		DIRECTOR: "r",
	},
	# Work Order types: every role that reads work orders reads their type
	"Production Order Type": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "rwcd",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	"Downtime Reason": {
		OPERATOR: "r",
		TECHNICIAN: "r",
		SUPERVISOR: "rwc",
		MANAGER: "rwcd",
		DIRECTOR: "r",
	},
	"Shift Pattern": {
		OPERATOR: "r",
		TECHNICIAN: "r",
		SUPERVISOR: "rwc",
		MANAGER: "rwcd",
		DIRECTOR: "r",
	},
	# OEE Record: computed by the system; every role reads it (the MOM workspace's OEE card and chart)
	"OEE Record": {
		OPERATOR: "r",
		INSPECTOR: "r",
		TECHNICIAN: "r",
		STOREKEEPER: "r",
		SUPERVISOR: "r",
		MANAGER: "re",
		RD_ENGINEER: "r",
		PROCESS_ENGINEER: "r",
		DIRECTOR: "r",
	},
	# --- end shop floor ---
}

# Rights that need another right to make sense.
IMPLIES = {
	"write": ("read",),
	"create": ("read", "write"),
	"submit": ("read", "write"),
	"cancel": ("read",),
	"amend": ("read", "write", "create", "cancel"),
	"delete": ("read", "write"),
	"export": ("read",),
	"email": ("read",),
	"share": ("read",),
	"read": ("select", "report", "print"),
}


class MatrixError(ValueError):
	pass


def rights_of(code: str) -> set[str]:
	"""Letters -> the closed set of DocPerm right names they grant."""
	unknown = set(code) - set(RIGHTS)
	if unknown:
		raise MatrixError(f"unknown right letter(s) {''.join(sorted(unknown))!r} in {code!r}")
	granted = {RIGHTS[letter] for letter in code}
	pending = list(granted)
	while pending:
		for implied in IMPLIES.get(pending.pop(), ()):
			if implied not in granted:
				granted.add(implied)
				pending.append(implied)
	return granted


def expand(matrix: dict[str, dict[str, str]] | None = None, submittable: set[str] | frozenset = frozenset()):
	"""Yield (doctype, role, rights) with rights closed under IMPLIES.

	submit/cancel/amend are dropped on doctypes that are not submittable (Frappe ignores them there, and
	the Role Permission Manager would show them as noise)."""
	matrix = MATRIX if matrix is None else matrix
	for doctype, roles in matrix.items():
		for role, code in roles.items():
			if role not in ROLES:
				raise MatrixError(f"{doctype}: unknown role {role!r}")
			granted = rights_of(code)
			if doctype not in submittable:
				granted -= {"submit", "cancel", "amend"}
			yield doctype, role, granted


# Fields that mom_app keeps at a higher permission level on ERPNext doctypes, and who reads or writes that
# level: doctype -> {permlevel: {role: "r" or "rw"}}. Frappe knows only read and write above level 0, and a
# role must have the same right at level 0 too (from MATRIX, or from ERPNext's own rights: HR on Employee).
# Roles here need not be MOM roles; uninstall removes exactly these rows.
LEVELS: dict[str, dict[int, dict[str, str]]] = {
	# Employee.mom_badge_barcode (level 1) signs an employee in at the terminal: a credential. HR keeps it,
	# the MOM Manager reads it; operators, who read Employee, do not (the terminal looks badges up itself).
	"Employee": {1: {"HR User": "rw", "HR Manager": "rw", MANAGER: "r"}},
}


def expand_levels(levels: dict[str, dict[int, dict[str, str]]] | None = None):
	"""Yield (doctype, permlevel, role, rights) for the levels above 0; rights is {"read"} or
	{"read", "write"}."""
	levels = LEVELS if levels is None else levels
	for doctype, by_level in levels.items():
		for level, roles in by_level.items():
			if not isinstance(level, int) or level < 1:
				raise MatrixError(f"{doctype}: permlevel {level!r} is not a level above 0")
			for role, code in roles.items():
				unknown = set(code) - {"r", "w"}
				if unknown or not code:
					raise MatrixError(f"{doctype} level {level}: {role} may only have r or rw, not {code!r}")
				yield doctype, level, role, {"read", "write"} if "w" in code else {"read"}
