"""Spiders, one per kind of channel: ``channel`` reads websites and webshops, ``social`` reads
public post feeds. Both take the channel's configuration as a spider argument."""
