"""Quality holds: a rejected inspection or a selected SPC rule violation stops the affected work.

`raise_hold()` creates an ERPNext Non Conformance and a Quality Hold listing the affected batches (the
inspected batch and, through the lot genealogy, every batch made from it), job cards and work orders; it
pauses those job cards (ERPNext's own "On Hold" status, their open time logs closed), freezes the batches
(Batch.mom_quality_hold, checked by every Stock Ledger Entry: only a transfer into the quarantine warehouse
may move them) and notifies the Quality Inspectors and Production Supervisors.

`release()` needs a disposition (use as is, rework, scrap, return to supplier), creates the matching ERPNext
documents, unfreezes the batches and clears the job cards' hold (they stay paused until an operator resumes).
Every step is in the hold's version history and comments.

The package: scope (what a hold affects), stock_gate (the Stock Ledger Entry check), lifecycle (raise, pause,
notify, release), dispositions (scrap, rework, return to supplier).
"""

from mom_app.quality.hold.dispositions import DISPOSITIONS, DispositionError
from mom_app.quality.hold.lifecycle import HeldJobCardError, notify, pause_job_card, raise_hold, release
from mom_app.quality.hold.scope import downstream_batches, reference_batches
from mom_app.quality.hold.stock_gate import HeldBatchError, check_stock_ledger_entry

__all__ = [
	"DISPOSITIONS",
	"DispositionError",
	"HeldBatchError",
	"HeldJobCardError",
	"check_stock_ledger_entry",
	"downstream_batches",
	"notify",
	"pause_job_card",
	"raise_hold",
	"reference_batches",
	"release",
]
