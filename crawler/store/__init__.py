"""The results database: every run and what it found, in one SQLite file.

``database`` holds the ``Store``, ``schema`` the tables and their migrations, ``rows`` how items
become rows and rows become values. The crawl writes it; every later stage reads it.
"""

from crawler.store.database import Store
from crawler.store.errors import StorageError, StoreError
from crawler.store.rows import OfferRow, claim_id, dumps
from crawler.store.runs import RUN_STATUSES, now

__all__ = [
    "RUN_STATUSES",
    "OfferRow",
    "StorageError",
    "Store",
    "StoreError",
    "claim_id",
    "dumps",
    "now",
]
