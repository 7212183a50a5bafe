"""Reading: a workbook or a roster into typed records plus located problems.

Nothing here writes a file or computes a figure; ``workbook.load`` is the door
(``provmap.load``), ``roster.read_roster`` reads a school's MIS export.
"""
