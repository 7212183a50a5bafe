"""Every figure, computed once: the termly rollup and what is composed from rollups.

``rollup.rollup`` (``provmap.rollup``) makes a year's figures from a checked map; ``history``
joins several years by UPN, ``trust`` several schools; ``disclosure`` is the one control of
what a published table may show.  Nothing here imports a writer.
"""
