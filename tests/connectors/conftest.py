"""The connector tests share :mod:`fakeapi` (recorded replies, a replay transport, a fake server)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
