"""Saved investigations: annotated charts kept in the store, reopened, shared, exported and reported.

``model`` says what an investigation holds and checks it; the store keeps them
(:mod:`compoundgraph.store.investigations`); ``service`` follows the graph's changes under a saved chart.
"""
