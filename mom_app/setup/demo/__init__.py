"""The demo plant: `bench --site <site> mom-demo` (mom_app.commands) or, from code, `build()`.

A small gear-motor plant in Chinese: company, warehouses typed with ERPNext's Warehouse Type, batch-tracked
items, workstations on plant floors, operations, routings, submitted BOMs, and the people who work there (one
user per MOM role, employees with badge barcodes), a week of machine data, production, quality and a month
of maintenance. Running it again creates only what is missing.

The steps are listed in order in mom_app.setup.demo.builder.STEPS; they live in steps (company to people),
iot_history, genealogy_history, quality_history, shop_history and maintenance_history, and share a `Demo`
(state).
"""

from mom_app.setup.demo.builder import STEPS, Step, build
from mom_app.setup.demo.data import DEMO_PASSWORD, demo_users
from mom_app.setup.demo.state import Demo

__all__ = ["DEMO_PASSWORD", "STEPS", "Demo", "Step", "build", "demo_users"]
