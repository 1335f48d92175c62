import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "mom_app"
sys.path.insert(0, str(ROOT))
