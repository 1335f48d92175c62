"""The demo plant: `bench --site <site> mom-demo` (mom_app.commands) or, from code, `build()`.

A small gear-motor plant in Chinese: company, warehouses typed with ERPNext's Warehouse Type, batch-tracked
items, workstations on plant floors, operations, routings, submitted BOMs, and the people who work there (one
user per MOM role, employees with badge barcodes). Running it again creates only what is missing.

Steps live in mom_app.setup.demo.steps (and in any module imported below, for later additions).
"""

from mom_app.setup.demo import genealogy_history as _genealogy  # receipts -> production -> deliveries
from mom_app.setup.demo import iot_history as _iot_history  # a week of machine data (after "people")
from mom_app.setup.demo import quality_history as _quality  # plans, SPC, a month of inspections
from mom_app.setup.demo import shop_history as _shop_history  # shop floor: after quality_history
from mom_app.setup.demo import steps as _steps  # registers the steps, in order
from mom_app.setup.demo.builder import STEPS, Demo, Step, build, step
from mom_app.setup.demo.data import DEMO_PASSWORD, demo_users

__all__ = ["DEMO_PASSWORD", "STEPS", "Demo", "Step", "build", "demo_users", "step"]
