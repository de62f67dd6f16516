"""Attrition risk learned from the company's own leavers: features, model, back-test, scores."""
