"""The pure engine of mom_app.

Math and rules live here: OEE, SPC, AQL tables and switching, genealogy traversal, machine-state
derivation, kanban, PM due dates, HMAC checks, badge codes, the role/permission matrix.

Nothing in this package may import frappe or erpnext (tests/test_engine_purity.py walks the AST of every
file here and fails otherwise). Adapters in the pillar modules load rows, call the engine with plain data
(dicts, lists, numbers, datetimes) and write the results back.
"""
