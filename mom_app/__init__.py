"""mom_app: Manufacturing Operations Management for ERPNext v15.

This module must stay importable without Frappe (setup.py and the tier-1 tests import it).
"""

__version__ = "0.1.0"
