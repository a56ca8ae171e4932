"""The Scrapy project: spiders decide what to fetch; extraction turns markup into items."""
