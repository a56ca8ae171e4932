"""omnicheck's own Scrapy signals, sent through a crawler's ``signals`` like Scrapy's."""

# Sent with ``error`` (a ``StorageError``) when the results database or a crawl's queue cannot
# be written (disk full, read-only, locked, a value too big): the whole crawl stops, and its run
# is marked aborted with the reason (``crawler.run.process``). Sent once per crawler.
storage_failed = object()
