"""The effectiveness report: does care work? Aggregates only, in Markdown, CSV or JSON."""
