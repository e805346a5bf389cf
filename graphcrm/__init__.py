"""graphcrm: a stakeholder and referral network explorer for B2B account managers.

The library: `graphcrm.store` (the databases), `graphcrm.ingest` (validated imports),
`graphcrm.export`, `graphcrm.demo` (the seed data sets); `graphcrm.cli` is a shell over it.
"""

__version__ = "0.1.0"
