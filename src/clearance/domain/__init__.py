"""Pure domain: value objects, enums and rules of the CESI regime.

May import: the standard library and ``clearance.domain.*`` only. No I/O, no clock, no environment.
"""
