"""The pure engine of the Plant Maintenance pillar (no Frappe): plain data in, results out.

Modules (each documents its API, inputs, rules and formulas in its docstring):

- `due`: PM plans by calendar (every N days / weeks / months, fixed or floating), by meter, or whichever
  comes first, with lead time in days or meter units: the next due date / value, the projected date of a
  meter plan, whether the order opens now and why (a reason code with its figures), and the occurrence's
  idempotency key. `due.evaluate(plan, today, ...)`, `due.scan(items, today)`.
- `meters`: running totals of asset meters from counter samples (resets, rollovers, outliers refused with
  a reason) and manual readings; the average usage rate per day; the date a value will be reached.
  `meters.advance_counter(config, state, samples)`, `meters.apply_manual(...)`, `meters.usage_rate(...)`,
  `meters.project_date(...)`.
- `condition_rules`: condition rules on a tag's samples (above, below, outside a band, rate of change per
  minute; on-delay, deadband and off-delay, repeat count within a window) as a state machine with a small
  serialisable state: `condition_rules.step(rule, state, samples) -> (state, events)`.
- `orders`: order types, sources and priorities, response / repair targets per priority, an order's timing
  (due, overdue, target missed), dedup keys (one open order per rule and asset, one per breakdown), what a
  breakdown is.
- `kpis`: MTBF, MTTR, MTTA, mean downtime, inherent availability, PM compliance, backlog hours, planned vs
  unplanned share, maintenance cost per asset, per asset / workstation / category / period:
  `kpis.compute(orders, operating, assets, group_by=..., period=...)`.
- `worklist`: the technician's work list (the /maintenance page): the open orders assigned to a user and the
  unassigned ones, by priority and due time (the earliest deadline an order still has to meet).
  `worklist.worklist(orders, user, now)`, `worklist.due_time(order)`.

Import the module you need: `from mom_app.engine.maintenance import due, meters`.
"""

from mom_app.engine.maintenance import condition_rules, due, kpis, meters, orders

__all__ = ["condition_rules", "due", "kpis", "meters", "orders"]
