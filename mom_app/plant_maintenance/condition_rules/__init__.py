"""Condition Rules in the writer path: rules on IoT tags that open maintenance work orders when they fire.

    evaluate_stored(rows)   called by mom_app.iot.storage.store_readings with the rows it inserted
    heartbeat()             scheduler, every minute: on-delays and off-delays completed by time

Modules: `definitions` (the enabled rules, cached per process), `evaluation` (states, the writer path, the
heartbeat), `firing` (orders, the rule's status, realtime). The rules' logic is the engine's
(mom_app.engine.maintenance.condition_rules); the doctype is Condition Rule.
"""

from mom_app.plant_maintenance.condition_rules.evaluation import evaluate_stored, heartbeat

__all__ = ["evaluate_stored", "heartbeat"]
