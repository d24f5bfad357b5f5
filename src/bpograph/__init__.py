"""bpograph: a bilingual knowledge graph of business process outsourcing and call centres."""

__version__ = "0.1.0"
