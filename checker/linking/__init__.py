"""Linking: which offers on different channels are the same product, and how we know.

``names`` reads product names (folding, units, the guards), ``identifiers`` normalises GTIN, SKU,
MPN and URLs, ``groups`` is the union-find that refuses impossible joins, ``overrides`` reads the
file a person corrects the linker with, ``linker`` runs the stages, and ``explain`` shows what
was linked and how (``omnicheck links``, and the ``link`` of every finding).
"""
