import frappe


def execute():
	"""A started job now puts its work order In Process (production.overrides.job_card.start_work_order). Orders
	whose jobs started before that still say "Not Started": the same rule applied to them once, with the
	earliest time logged as the actual start date where ERPNext has none yet."""
	started = frappe.db.sql(
		"""select jc.work_order, min(log.from_time)
		from `tabJob Card` jc join `tabJob Card Time Log` log on log.parent = jc.name
		join `tabWork Order` wo on wo.name = jc.work_order
		where jc.docstatus < 2 and log.from_time is not null and wo.docstatus = 1 and wo.status = %s
		group by jc.work_order""",
		("Not Started",),
	)
	for work_order, first_start in started:
		frappe.db.sql(
			"""update `tabWork Order` set status = %s, actual_start_date = ifnull(actual_start_date, %s)
			where name = %s""",
			("In Process", first_start, work_order),
		)
