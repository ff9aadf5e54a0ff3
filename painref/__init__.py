"""painref: an offline reference for interventional pain-management procedures."""

__version__ = "0.4.1"
