"""The staff's own workbook: ``new``, ``new-year`` and ``roll-forward``.

``standard.new_workbook`` is the one writer of the standard workbook; ``newyear`` and
``rollforward`` build on it and on the reader.
"""
