"""Dangol (단골): customer-satisfaction and loyalty management."""

__version__ = "0.1.0"
