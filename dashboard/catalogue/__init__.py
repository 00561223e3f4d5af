"""The catalogue: the national format's codes for every table, row and column (codes.py) and their Chinese
names and the product's wording (labels.py). Plain data and pure functions; every other room may read it."""
