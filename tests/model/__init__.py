"""The reference model of issue 20: the figures computed a second way, in plain Python (see reference.py)."""
