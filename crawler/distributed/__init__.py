"""One crawl shared by many worker processes through Redis, on scrapy-redis.

``protocol`` is what coordinator and workers agree on (keys, atomic scripts, items as JSON),
``scheduler`` the worker's scrapy-redis scheduler with claims, ``coordinator`` the process that
seeds the crawl and alone writes the store, ``worker`` the processes that fetch. See
docs/distributed.md.
"""


class DistributedError(Exception):
    """Redis cannot be used: the one line to show the user."""
