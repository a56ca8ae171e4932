"""Scrapy settings for omnicheck's crawl: polite by default, bounded in page size, not in depth.

``omnicheck crawl -s NAME=VALUE`` and a config's ``crawl:`` key override these, as
``scrapy crawl -s`` does. ``scrapy list`` / ``scrapy crawl`` from the repository root use them too.
"""

BOT_NAME = "omnicheck"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "omnicheck/0.1 (+https://github.com/omnicheck/omnicheck; content consistency check)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0

# A deadline for the whole answer, from connecting to its last byte (Scrapy's HTTP/1.1 handler
# cancels the download then), so a server that drips its body fails as "timeout".
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Product feeds are written to a file as they arrive, not held in memory (crawler/downloads.py):
# their own, larger limits, in place of DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE and DOWNLOAD_WARNSIZE.
# The size limits also bound a gzip-compressed feed once decompressed.
OMNICHECK_FEED_TIMEOUT = 600.0
OMNICHECK_FEED_MAXSIZE = 2 * 1024 * 1024 * 1024
OMNICHECK_FEED_WARNSIZE = 512 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is a failure, not a shorter page
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Waits before a retry (crawler/middlewares.py): Retry-After when the server sends one, else
# RETRY_BACKOFF_BASE * 2**attempt seconds up to RETRY_BACKOFF_MAX; pauses longer than
# RETRY_AFTER_MAX are not waited for (the page is recorded as failed).
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 120.0

DOWNLOAD_HANDLERS = {
    "http": "crawler.downloads.HttpHandler",
    "https": "crawler.downloads.HttpHandler",
    "file": "crawler.downloads.FileHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # Before the offsite filter (50) and robots.txt (100): a refused address is never asked for.
    "crawler.redirects.RedirectedRequestMiddleware": 40,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.redirects.OffsiteMiddleware": 50,
    # Before robots.txt (100): a page left to another channel is never asked for.
    "crawler.middlewares.LeftToOtherChannel": 60,
    "crawler.downloads.RequeueInterrupted": 540,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.downloads.CompressionMiddleware": 590,
    # Above RedirectMiddleware (600), so it judges a 3xx answer before the redirect is followed.
    "crawler.redirects.RedirectPolicyMiddleware": 610,
}
# No DEPTH_LIMIT by default: a shop's long category pagination is as deep as it is, and a page
# left unread is a product not checked. DEPTH_LIMIT and URLLENGTH_LIMIT still apply when set; a
# request either drops is recorded as a page not fetched (crawler/limits.py), never silently.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.limits.DepthLimit": 900,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "crawler.limits.UrlLengthLimit": 800,
}
EXTENSIONS = {"crawler.extensions.PendingRequests": 500}
# The queue in SQLite in JOBDIR, safe from a killed process (crawler/frontier.py).
SCHEDULER = "crawler.frontier.DurableScheduler"

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 800}

# Where items go: set by `omnicheck crawl`; a plain `scrapy crawl` needs `-s OMNICHECK_DB=...`.
OMNICHECK_DB = "omnicheck.db"
OMNICHECK_RUN_ID = None
# Items are written in one transaction per batch: of this many items, and at least every
# OMNICHECK_BATCH_SECONDS, so a process killed outright loses at most that much work.
OMNICHECK_BATCH_SIZE = 500
OMNICHECK_BATCH_SECONDS = 1.0
# How long a write waits for a database another process is writing before the crawl stops
# with a storage error; also bounds how long a stop (Ctrl-C, SIGTERM) can be held by one.
OMNICHECK_DB_TIMEOUT = 5.0

# render: js (crawler/rendering.py): after a page has loaded, wait at most this many seconds for
# its scripts' own requests to end (a price fetched after load) before reading it.
OMNICHECK_RENDER_SETTLE = 5.0

FEED_EXPORT_ENCODING = "utf-8"
