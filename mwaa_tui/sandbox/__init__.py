"""A local AWS-compatible endpoint: moto for Logs and CloudWatch, plus what moto lacks.

Only `--demo`, `mwaa-tui sandbox` and the tests import this package.
"""

from mwaa_tui.sandbox.faults import Faults
from mwaa_tui.sandbox.server import Sandbox

__all__ = ["Faults", "Sandbox"]
