"""The three forms' layout: where each field sits, its label, its defined name, its formula."""
