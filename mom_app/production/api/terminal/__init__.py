"""The operator terminal's API (the page is mom_app/www/terminal): badge sign-in, job cards, actions, andon.

The page calls `mom_app.production.api.terminal.<method>`; the methods live in:

- identity: who may act (the role, the badge's employee or with Sign In by Badge Scan off the user's own,
  the workstation), `sign_in`;
- views: a workstation's `queue`, `scan_job_card`, what a card is and where it stands (with the actions
  allowed on it now, and why the others are not);
- messages: the engine's refusals in the user's language;
- apply: `act` (start, pause, resume, complete, downtime) applied to ERPNext's Job Card exactly once, under
  locks, at READ COMMITTED;
- downtime: the downtime `reasons`, Downtime Entries recorded and closed;
- andon: `andon`, a call for help.
"""

from mom_app.production.api.terminal.andon import ANDON_EVENT, ANDON_ROLES, andon
from mom_app.production.api.terminal.apply import REALTIME_EVENT, act, locked_job_card
from mom_app.production.api.terminal.downtime import reasons
from mom_app.production.api.terminal.identity import TERMINAL_ROLE, TerminalError, badge_sign_in, sign_in
from mom_app.production.api.terminal.views import job_card_state, job_card_view, queue, scan_job_card

__all__ = [
	"ANDON_EVENT",
	"ANDON_ROLES",
	"REALTIME_EVENT",
	"TERMINAL_ROLE",
	"TerminalError",
	"act",
	"andon",
	"badge_sign_in",
	"job_card_state",
	"job_card_view",
	"locked_job_card",
	"queue",
	"reasons",
	"scan_job_card",
	"sign_in",
]
