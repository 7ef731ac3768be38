"""Print the version of every package kpro-econ declares (pyproject.toml, extras included), so a CI log
shows at its top what the tests ran with and a registry's new release is seen at once."""

import platform
import re
from importlib.metadata import PackageNotFoundError, requires, version

print(f"python=={platform.python_version()}")
names = sorted({re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0] for req in requires("kpro-econ") or []}, key=str.lower)
for name in names:
    try:
        print(f"{name}=={version(name)}")
    except PackageNotFoundError:
        print(f"{name}: not installed")
