"""Preventive maintenance plans (Frappe adapter; the rules are mom_app.engine.maintenance.due and .plans).

scan.run()                      the hourly scheduler job: every plan's due occurrences and ERPNext's due
                                Asset Maintenance Logs open their Maintenance Work Orders, committed
scan.scan(today, plans, assets) the scan itself (no commit); scan.preview(plan): the plan form's due dates
erpnext_tasks.open_due_logs()   a due ERPNext Asset Maintenance Log opens an order
reasons.render(data)            why an order fell due, in the reader's language
loading                         what the scan reads, one query each
"""
