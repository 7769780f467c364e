"""Sign-off: the package a department sends for signature, and the e-mail that carries it."""
