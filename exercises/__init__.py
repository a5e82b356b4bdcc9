"""Exercise stubs: fill in the functions marked ``raise NotImplementedError``."""
