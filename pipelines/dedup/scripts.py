"""The index's Lua scripts, read as package resources (they load from a zip or an egg too).

``check_and_insert`` is six files run as one script (Redis runs a script as one chunk, so the
parts share their locals): ``records.lua`` (the record layout and byte helpers, shared with
``restore``), ``check_state.lua`` (arguments and index state), ``hashes.lua`` (reading and
appending the hashes of numbers, shared with ``bands``), ``lookups.lua`` (records, URL/text/id
lookups, similarity), ``best_copy.lua`` (which copy of a story is the better one) and
``check_and_insert.lua`` (the decision). ``bands`` is a grouped index's band phase in one band
group (``records.lua``, ``band_state.lua``, ``hashes.lua``, ``bands.lua``).
"""

from __future__ import annotations

from importlib import resources


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def script(*parts: str) -> str:
    """The text of a script made of ``parts`` (file names in this package), in that order."""
    return "\n".join(_read(part) for part in parts)


CHECK_AND_INSERT = script("records.lua", "check_state.lua", "hashes.lua", "lookups.lua", "best_copy.lua",
                          "check_and_insert.lua")
BANDS = script("records.lua", "band_state.lua", "hashes.lua", "bands.lua")
RESTORE = script("records.lua", "restore.lua")
BULK_LOAD = script("bulk_load.lua")
LEARN_LINES = script("learn_lines.lua")
