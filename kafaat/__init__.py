"""Kafaat: the information system of vocational-training and employment-inclusion programmes."""

__version__ = "0.1.0"
