"""xlwings' remote engine (xlwings PRO) needs a licence key before xlwings is first imported.

Its code is under the PolyForm Noncommercial licence, which permits use by government
institutions; the noncommercial key enables it. The desktop RunPython path is plain BSD xlwings.
"""

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
