"""Our tests use the "test" hypothesis profile (checks/strategies.py) unless CHECKS_PROFILE says otherwise."""
import os

os.environ.setdefault("CHECKS_PROFILE", "test")
